/**
 * Step handlers: turn one parsed RemoteExecutionContext (Domain `PluginEvent`) into queue jobs, or
 * a reason to skip it. Pure: the route commits the returned jobs; nothing here calls an API.
 * Echo suppression lives here: the relay's own writes come back as Update events and must not sync.
 */
import {
  LeadColumns,
  LeadState,
  MicrosoftSolutionColumns,
  OpportunityCloseMessage,
  OpportunityColumns,
  RelayOwnedOpportunityColumns,
  SystemColumns,
  Tables,
} from '../Domain/constants';
import type { EntityReferenceValue, PlainAttributes, PlainValue, PluginEvent } from '../Domain/pluginEvent';
import { stripCheckmark } from '../Domain/checkmark';
import {
  customerChangedJob,
  leadSyncJob,
  opportunitySyncJob,
  solutionFromCatalogueJob,
} from '../Relay/ports';
import type { NewJob } from '../Relay/ports';

export interface StepContext {
  /** systemuserid of the relay's application user (its writes are echoes). */
  integrationUserId: string | null;
}

export type StepDecision = { jobs: NewJob[]; skipped: null } | { jobs: []; skipped: string };

const skip = (reason: string): StepDecision => ({ jobs: [], skipped: reason });
const run = (...jobs: NewJob[]): StepDecision => ({ jobs, skipped: null });

/** Columns the platform stamps on every write; they say nothing about what the user changed. */
const PLATFORM_COLUMNS = new Set<string>([
  SystemColumns.modifiedOn,
  SystemColumns.modifiedBy,
  SystemColumns.modifiedOnBehalfBy,
  OpportunityColumns.id,
  LeadColumns.id,
]);
const RELAY_OWNED = new Set<string>(RelayOwnedOpportunityColumns);

const isReference = (value: PlainValue | undefined): value is EntityReferenceValue =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && 'logicalName' in value;

const sameId = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** Receipt identifying one delivery: the platform retries with the same operation and step. */
export function receiptOf(event: PluginEvent): string {
  return [
    'dataverse',
    event.operationId ?? event.correlationId,
    event.requestId ?? '',
    event.stepId ?? event.message,
    event.entity,
    event.id,
  ].join(':');
}

export function handlePluginEvent(event: PluginEvent, context: StepContext): StepDecision {
  if (sameId(event.initiatingUserId, context.integrationUserId)) {
    return skip('initiated by the relay integration user');
  }
  const correlationId = event.correlationId;
  switch (`${event.entity}:${event.message}`) {
    case `${Tables.opportunity}:Create`:
      return onOpportunityCreate(event, correlationId);
    case `${Tables.opportunity}:Update`:
      return onOpportunityUpdate(event, correlationId);
    case `${Tables.opportunity}:Win`:
    case `${Tables.opportunity}:Lose`:
      return onOpportunityClose(event, correlationId);
    case `${Tables.microsoftSolution}:Create`:
    case `${Tables.microsoftSolution}:Update`:
    case `${Tables.microsoftSolution}:Delete`:
      return onSolutionChange(event, correlationId);
    case `${Tables.lead}:Update`:
      return onLeadUpdate(event, correlationId);
    case `${Tables.account}:Update`:
    case `${Tables.contact}:Update`:
      // The step is filtered to the columns the sharing rules read: the job looks up the deals.
      return run(
        customerChangedJob(
          { table: event.entity as 'account' | 'contact', id: event.id, reason: `${event.entity} Update` },
          correlationId,
        ),
      );
    case `${Tables.lead}:QualifyLead`:
      return run(
        leadSyncJob(
          { leadId: event.id, reason: 'QualifyLead', stateCode: LeadState.qualified },
          correlationId,
        ),
      );
    default:
      return skip(`no handler for ${event.entity} ${event.message}`);
  }
}

function onOpportunityCreate(event: PluginEvent, correlationId: string): StepDecision {
  // Size-exceeded bodies drop the Target: re-reading in the job decides instead.
  const sync = event.changedAttributes[OpportunityColumns.syncWithPartnerCenter];
  if (!event.sizeExceeded && sync !== true) return skip('created without sync');
  return run(opportunitySyncJob({ opportunityId: event.id, reason: 'Create' }, correlationId));
}

function onOpportunityUpdate(event: PluginEvent, correlationId: string): StepDecision {
  if (!event.sizeExceeded) {
    const changed = Object.keys(event.changedAttributes).filter((c) => !PLATFORM_COLUMNS.has(c));
    const meaningful = changed.filter((c) => !RELAY_OWNED.has(c) && !isMarkOnlyRename(event, c));
    if (changed.length > 0 && meaningful.length === 0) return skip('only relay-owned columns changed');
    const pre = firstImage(event.preImages);
    const syncNow = event.changedAttributes[OpportunityColumns.syncWithPartnerCenter];
    const syncBefore = pre?.[OpportunityColumns.syncWithPartnerCenter];
    if (syncNow === false || (syncNow === undefined && syncBefore === false)) return skip('sync is off');
  }
  return run(opportunitySyncJob({ opportunityId: event.id, reason: 'Update' }, correlationId));
}

/** Our own ✔/✖ edit of the name, e.g. made before the integration user id was configured. */
function isMarkOnlyRename(event: PluginEvent, column: string): boolean {
  if (column !== OpportunityColumns.name) return false;
  const before = firstImage(event.preImages)?.[OpportunityColumns.name];
  const after = event.changedAttributes[OpportunityColumns.name];
  return (
    typeof before === 'string' &&
    typeof after === 'string' &&
    stripCheckmark(before) === stripCheckmark(after)
  );
}

function onOpportunityClose(event: PluginEvent, correlationId: string): StepDecision {
  const close = event.inputParameters[OpportunityCloseMessage.closeParameter] as unknown;
  const closeAttributes = (Array.isArray(close) ? close[0] : close) as PlainAttributes | undefined;
  const reference = closeAttributes?.[OpportunityCloseMessage.opportunity];
  const opportunityId = isReference(reference) ? reference.id : event.id;
  const description = closeAttributes?.[OpportunityCloseMessage.description];
  const subject = closeAttributes?.[OpportunityCloseMessage.subject];
  const reason =
    typeof description === 'string' && description
      ? description
      : typeof subject === 'string'
        ? subject
        : null;
  const outcome = event.message === 'Win' ? 'won' : 'lost';
  return run(
    opportunitySyncJob({ opportunityId, reason: event.message, closing: { outcome, reason } }, correlationId),
  );
}

function onSolutionChange(event: PluginEvent, correlationId: string): StepDecision {
  const before = (name: string) =>
    firstImage(event.preImages)?.[name] ?? firstImage(event.postImages)?.[name];
  // A row moved off an opportunity still changes that opportunity's solutions.
  const reference =
    event.changedAttributes[MicrosoftSolutionColumns.opportunity] ??
    before(MicrosoftSolutionColumns.opportunity);
  const opportunityId = isReference(reference) ? reference.id : null;
  // The catalogue lookup as it is now: in Target when this change set it (null = cleared), else unchanged.
  const catalogue =
    MicrosoftSolutionColumns.solutionDetail in event.changedAttributes
      ? event.changedAttributes[MicrosoftSolutionColumns.solutionDetail]
      : before(MicrosoftSolutionColumns.solutionDetail);
  // Picked from the catalogue: the id, name and publisher come from the catalogue row, copied by the
  // relay (the platform copies nothing from a lookup); the copy then syncs the opportunity.
  if (event.message !== 'Delete' && isReference(catalogue)) {
    return run(
      solutionFromCatalogueJob(
        {
          opportunityId,
          solutionRowId: opportunityId ? null : event.id,
          reason: `Solution ${event.message}`,
        },
        correlationId,
      ),
    );
  }
  if (!opportunityId) return skip('solution row without an opportunity');
  return run(opportunitySyncJob({ opportunityId, reason: `Solution ${event.message}` }, correlationId));
}

function onLeadUpdate(event: PluginEvent, correlationId: string): StepDecision {
  const state = event.changedAttributes[LeadState.stateCode];
  const stateCode = typeof state === 'number' ? state : null;
  if (stateCode === null && !event.sizeExceeded) return skip('lead change without state change');
  return run(leadSyncJob({ leadId: event.id, reason: 'Update', stateCode }, correlationId));
}

function firstImage(images: Record<string, PlainAttributes>): PlainAttributes | undefined {
  return Object.values(images)[0];
}
