/**
 * Partner Center → Dynamics 365 for one referral: GET it (webhooks are thin and unordered, so the
 * current state is the only truth) → skip our own echo (eTag we just wrote) → read what it needs in
 * one $batch (inboundReads.ts) → find the linked record by pcs_referralid or externalReferenceId
 * (linkedRecord.ts) → convert its lead when the referral was accepted
 * (leadConversion.ts) → create (lead or opportunity by the referral's origin, inboundRouting.ts, with
 * matched-or-created account and contact and catalogue solutions) or update the mapped columns and
 * mirror the solutions (solutionsMirror.ts) → close the record when the referral closed (closing.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  AccountColumns,
  ContactColumns,
  EntitySets,
  LeadColumns,
  OpportunityColumns,
  OpportunityNavigation,
  SyncStatus,
} from '../../Domain/constants';
import { isConnectedReferralForMicrosoft } from '../../Domain/coSellCreation';
import { DEFAULT_FIELD_MAP } from '../../Domain/fieldMap';
import type { FieldMap } from '../../Domain/fieldMap';
import { fromReferral, snapshotFromWebApi } from '../../Domain/mapping';
import type { DataverseWrites } from '../../Domain/mapping';
import type { DataverseRecord } from '../../Domain/opportunity';
import { expiryColumns } from '../../Domain/referralDeadline';
import type { REFERRAL_WEBHOOK_EVENTS, StoredReferral } from '../../Domain/referral';
import { ApiError } from '../ports';
import type { BatchOperation } from '../ports';
import { withMark } from './checkmark';
import { applyClosing } from './closing';
import { currencyId, matchAccount, matchContact } from './customerMatch';
import type { JobContext, SyncDeps } from './deps';
import { withInboundReads } from './inboundReads';
import { findLinkedRecord } from './linkedRecord';
import type { LinkedRecord } from './linkedRecord';
import { createdByUsKey, writtenEtagKey } from './deps';
import { forgetHeldVersion, rememberHeldVersion } from './heldVersion';
import { referralKey } from '../ports';
import type { ReferralPullPayload } from '../ports';
import { clearPause, fieldMapOrPause } from './fieldMapPause';
import { ownerLanguage } from './language';
import { inboundText } from './messages';
import { inboundRule, routeReferral } from './inboundRouting';
import { convertAcceptedLead } from './leadConversion';
import { mirrorSolutions, rememberReferralSolutions } from './solutionsMirror';
import { referralAttributeBinds } from './referralAttributes';
import { auditLine, changedColumns, prependAudit, referralColumns, syncEventOperation } from './writeBack';

export type PullResult =
  | { outcome: 'skipped'; reason: string }
  | {
      outcome: 'succeeded';
      action: 'created' | 'updated' | 'unchanged';
      table: 'opportunity' | 'lead';
      recordId: string;
    };

const REFERRAL_CREATED: (typeof REFERRAL_WEBHOOK_EVENTS)[number] = 'referral-created';

export async function pullReferral(
  deps: SyncDeps,
  payload: ReferralPullPayload,
  context: JobContext,
): Promise<PullResult> {
  const stopTimer = deps.metrics?.syncDuration.startTimer({ direction: 'toDataverse' });
  const correlation = { correlationId: context.correlationId };
  if (payload.eventName === REFERRAL_CREATED) {
    const createdKey = createdByUsKey(payload.referralId);
    if ((await deps.store.getState(createdKey)) !== null) {
      await deps.store.deleteState(createdKey);
      return count(deps, { outcome: 'skipped', reason: 'our own create' });
    }
  }
  let referral: StoredReferral;
  try {
    referral = await deps.partnerCenter.getReferral(payload.referralId, correlation);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404)
      return count(deps, { outcome: 'skipped', reason: 'referral not found' });
    throw error;
  }
  if ((await deps.store.getState(writtenEtagKey(referral.id))) === referral.eTag) {
    return count(deps, { outcome: 'skipped', reason: 'our own change (eTag we wrote)' });
  }
  if (isConnectedReferralForMicrosoft(referral)) {
    // Step 2 of a two-step co-sell creation belongs to our opportunity's referral, not to a new deal.
    return count(deps, { outcome: 'skipped', reason: 'the connected referral for Microsoft of our deal' });
  }
  const describe = async () => {
    // The map is unusable, so find the record with the default one just to show the pause on it.
    const linkedRecord = await findLinkedRecord(deps, referral, DEFAULT_FIELD_MAP);
    const found = linkedRecord?.linkedToReferral ? null : linkedRecord;
    const idColumn = found?.table === 'lead' ? LeadColumns.id : OpportunityColumns.id;
    return {
      jobKey: referralKey(referral.id),
      direction: 'toDataverse' as const,
      record: found ? { table: found.table, id: found.record[idColumn] as string } : null,
      referralId: referral.id,
    };
  };
  const formVersions = deps.fieldMaps.formVersionsRead();
  let map: FieldMap;
  let reading: SyncDeps;
  for (let attempt = 0; ; attempt += 1) {
    // The map is kept until a form is published again: the reads below say whether one was.
    const mapped = await fieldMapOrPause(deps, context, describe, { versionsChecked: true });
    if ('skip' in mapped) return count(deps, { outcome: 'skipped', reason: mapped.skip });
    map = mapped.map;
    // The reads below, made in one round-trip up front (inboundReads.ts), with the forms' versions.
    reading = {
      ...deps,
      dataverse: await withInboundReads(deps.dataverse, referral, map, [formVersions]),
    };
    const versions = await reading.dataverse.retrieveMultiple(formVersions.entitySet, formVersions.query);
    // Published since the map was read: the map and the reads made with it are read again (once).
    if (!deps.fieldMaps.noteFormVersions(versions) || attempt > 0) break;
  }
  await clearPause(deps, referralKey(referral.id));
  let linked = await findLinkedRecord(reading, referral, map);
  if (linked?.linkedToReferral) {
    const id = linked.record[linked.table === 'lead' ? LeadColumns.id : OpportunityColumns.id] as string;
    return count(deps, {
      outcome: 'skipped',
      reason: `its externalReferenceId names ${linked.table} ${id}, which is linked to referral ${linked.linkedToReferral}`,
    });
  }
  if (linked?.table === 'lead') {
    const converted = await convertAcceptedLead(deps, context, referral, linked.record, map);
    if (converted) ({ referral } = converted);
    if (converted) linked = { table: 'opportunity', record: converted.opportunity };
    // The conversion wrote: what was read before it is not read from again.
    if (converted) reading = deps;
  }
  const policy = linked ? linked.table : routeReferral(referral, await inboundRule(deps.settings)).table;
  const writes = fromReferral(referral, map, { policy, existingTarget: linked?.table });
  const showMark = await deps.settings.showCheckmark();
  const result = linked
    ? await updateLinked(reading, context, referral, linked, writes, showMark, map)
    : await createFromReferral(reading, context, referral, writes, showMark, map);
  if (result.outcome === 'succeeded') {
    if (result.table === 'opportunity') await rememberReferralSolutions(deps.store, referral);
    const stateCode = linked?.record[OpportunityColumns.stateCode];
    try {
      await applyClosing(deps, context, referral, {
        table: result.table,
        recordId: result.recordId,
        stateCode: typeof stateCode === 'number' ? stateCode : 0,
      });
    } catch (error) {
      // Not done yet: the job's retry must not take this version for our own echo and skip it.
      await forgetHeldVersion(deps.store, referral.id);
      throw error;
    }
  }
  stopTimer?.();
  return count(deps, result);
}

function count(deps: SyncDeps, result: PullResult): PullResult {
  deps.metrics?.syncOutcomes.inc({ direction: 'toDataverse', outcome: result.outcome });
  return result;
}

async function createFromReferral(
  deps: SyncDeps,
  context: JobContext,
  referral: StoredReferral,
  writes: DataverseWrites,
  showMark: boolean,
  map: FieldMap,
): Promise<PullResult> {
  const now = deps.clock.now();
  const table = writes.target;
  const entitySet = table === 'opportunity' ? EntitySets.opportunity : EntitySets.lead;
  // Our own id for the new record: the batch below can bind solution rows and the sync event to it.
  const recordId = randomUUID();
  const record: DataverseRecord = { ...writes.record };
  if (table === 'opportunity') {
    Object.assign(record, referralColumns(referral), {
      [OpportunityColumns.id]: recordId,
      [OpportunityColumns.syncWithPartnerCenter]: true,
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
      [OpportunityColumns.lastSyncedOn]: now.toISOString(),
    });
    if (writes.account) {
      record[`${OpportunityNavigation.parentAccount}@odata.bind`] =
        `/${EntitySets.account}(${await matchAccount(deps, writes.account)})`;
    }
    if (writes.contact) {
      record[`${OpportunityNavigation.parentContact}@odata.bind`] =
        `/${EntitySets.contact}(${await matchContact(deps, writes.contact)})`;
    }
    const currency = await currencyId(
      deps,
      (writes as DataverseWrites & { currencyIsoCode?: string | null }).currencyIsoCode ??
        referral.details?.currency,
    );
    if (currency) {
      record[`${OpportunityNavigation.transactionCurrency}@odata.bind`] =
        `/${EntitySets.transactioncurrency}(${currency})`;
    }
    const name = record[OpportunityColumns.name];
    if (typeof name === 'string')
      record[OpportunityColumns.name] = withMark(name, showMark ? 'synced' : null);
    Object.assign(record, await referralAttributeBinds(deps, context, writes.referralAttributes, null));
  } else {
    const columns = referralColumns(referral);
    Object.assign(record, {
      [LeadColumns.id]: recordId,
      [LeadColumns.syncWithPartnerCenter]: true,
      [LeadColumns.syncStatus]: SyncStatus.synced,
      [LeadColumns.referralId]: columns[OpportunityColumns.referralId],
      [LeadColumns.referralLink]: columns[OpportunityColumns.referralLink],
      [LeadColumns.referralStatus]: columns[OpportunityColumns.referralStatus],
      [LeadColumns.referralSubstatus]: columns[OpportunityColumns.referralSubstatus],
      ...expiryColumns(referral, 'lead'),
    });
  }
  const message =
    `Created ${table} from ${referral.direction ?? ''} referral ${referral.id} (${referral.status}/${referral.substatus})`.replace(
      '  ',
      ' ',
    );
  if (table === 'opportunity') {
    record[OpportunityColumns.audit] = auditLine(now, 'toDataverse', 'succeeded', message);
  }
  const operations: BatchOperation[] = [
    { method: 'POST', entitySet, record },
    ...(table === 'opportunity'
      ? (
          await mirrorSolutions(deps, {
            opportunityId: recordId,
            referral,
            map,
            current: [],
            created: true,
          })
        ).operations
      : []),
    syncEventOperation({
      table,
      recordId,
      direction: 'toDataverse',
      outcome: 'succeeded',
      title: `Created ${table} from referral`,
      message,
      referralId: referral.id,
      correlationId: context.correlationId,
      occurredOn: now,
    }),
  ];
  await deps.dataverse.executeBatch(operations);
  await linkExternalReference(deps, context, referral, recordId);
  context.logger.info({ table, recordId, referralId: referral.id }, 'created record from referral');
  return { outcome: 'succeeded', action: 'created', table, recordId };
}

/**
 * This version of the referral is now in Dataverse: remember its eTag (its webhook is no news), then
 * tell Partner Center our record id (externalReferenceId), so a lost write-back can be re-found; the
 * eTag of that change is remembered in turn, so its own webhook is recognised as our echo too.
 */
async function linkExternalReference(
  deps: SyncDeps,
  context: JobContext,
  referral: StoredReferral,
  recordId: string,
): Promise<void> {
  await rememberHeldVersion(deps.store, referral);
  if (referral.externalReferenceId || referral.status === 'Closed') return;
  try {
    const updated = await deps.partnerCenter.patchReferral(
      referral.id,
      [{ op: 'replace', path: '/externalReferenceId', value: recordId }],
      { ifMatch: referral.eTag, correlationId: context.correlationId },
    );
    await rememberHeldVersion(deps.store, updated);
  } catch (error) {
    // Not fatal: the record is found by pcs_referralid; the next pull retries the link.
    context.logger.warn({ err: error, referralId: referral.id }, 'could not set externalReferenceId');
  }
}

async function updateLinked(
  deps: SyncDeps,
  context: JobContext,
  referral: StoredReferral,
  linked: LinkedRecord,
  writes: DataverseWrites,
  showMark: boolean,
  map: FieldMap,
): Promise<PullResult> {
  const now = deps.clock.now();
  const { table, record: current } = linked;
  const idColumn = table === 'opportunity' ? OpportunityColumns.id : LeadColumns.id;
  const recordId = current[idColumn] as string;
  const desired: DataverseRecord = { ...writes.record };
  const operations: BatchOperation[] = [];
  let changedRelated: string[] = [];
  if (table === 'opportunity') {
    Object.assign(desired, referralColumns(referral));
    const name = desired[OpportunityColumns.name];
    if (typeof name === 'string')
      desired[OpportunityColumns.name] = withMark(name, showMark ? 'synced' : null);
    // Related rows: patch the linked account and contact columns the referral changed.
    const snapshot = snapshotFromWebApi(current);
    changedRelated = [
      ...relatedPatch(operations, EntitySets.account, AccountColumns.id, snapshot.account, writes.account),
      ...relatedPatch(operations, EntitySets.contact, ContactColumns.id, snapshot.contact, writes.contact),
    ];
    const mirror = await mirrorSolutions(deps, {
      opportunityId: recordId,
      referral,
      map,
      current: snapshot.solutions,
      created: false,
    });
    operations.push(...mirror.operations);
    changedRelated.push(...mirror.changes);
    Object.assign(desired, await referralAttributeBinds(deps, context, writes.referralAttributes, current));
  } else {
    const columns = referralColumns(referral);
    Object.assign(desired, {
      [LeadColumns.referralStatus]: columns[OpportunityColumns.referralStatus],
      [LeadColumns.referralSubstatus]: columns[OpportunityColumns.referralSubstatus],
      ...expiryColumns(referral, 'lead'),
    });
  }
  // Referral fields never overwrite a record's lookups or id on update.
  delete desired[idColumn];
  const changed = changedColumns(current, desired);
  const changedNames = [...Object.keys(changed), ...changedRelated];
  if (changedNames.length === 0 && operations.length === 0) {
    await rememberHeldVersion(deps.store, referral);
    return { outcome: 'succeeded', action: 'unchanged', table, recordId };
  }
  const entitySet = table === 'opportunity' ? EntitySets.opportunity : EntitySets.lead;
  const lcid = await ownerLanguage(deps.languages, entitySet, recordId);
  const message = inboundText('updatedMessage', lcid, {
    id: referral.id,
    changes: changedNames.join(', ') || inboundText('solutions', lcid),
  });
  const columns: DataverseRecord = { ...changed };
  if (table === 'opportunity') {
    columns[OpportunityColumns.lastSyncedOn] = now.toISOString();
    columns[OpportunityColumns.syncStatus] = SyncStatus.synced;
    columns[OpportunityColumns.audit] = prependAudit(
      current[OpportunityColumns.audit],
      auditLine(now, 'toDataverse', 'succeeded', message),
    );
  }
  await deps.dataverse.executeBatch([
    { method: 'PATCH', entitySet, id: recordId, record: columns },
    ...operations,
    syncEventOperation({
      table,
      recordId,
      direction: 'toDataverse',
      outcome: 'succeeded',
      title: inboundText('updatedTitle', lcid),
      message,
      referralId: referral.id,
      correlationId: context.correlationId,
      occurredOn: now,
      changes: changedNames,
    }),
  ]);
  await linkExternalReference(deps, context, referral, recordId);
  return { outcome: 'succeeded', action: 'updated', table, recordId };
}

function relatedPatch(
  operations: BatchOperation[],
  entitySet: string,
  idColumn: string,
  current: DataverseRecord | null,
  desired: DataverseRecord | null,
): string[] {
  const id = current?.[idColumn] as string | undefined;
  if (!current || !desired || !id) return [];
  const { [idColumn]: _ignored, ...columns } = desired;
  const changed = changedColumns(current, columns);
  if (Object.keys(changed).length === 0) return [];
  operations.push({ method: 'PATCH', entitySet, id, record: changed });
  return Object.keys(changed).map((c) => `${entitySet}.${c}`);
}
