/**
 * Pure mapping between a Dataverse opportunity snapshot and a Partner Center referral, both ways,
 * driven by the field map. No I/O: the relay, the preview CLI and the tests call these.
 */
import type { FieldMap } from './fieldMap';
import type { DataverseRecord, OpportunitySnapshot, SolutionRow } from './opportunity';
import type { Referral, ReferralPatchOperation } from './referral';

/** What an inbound referral implies in Dataverse. Column values use Web API encodings. */
export interface DataverseWrites {
  /** Where the referral lands: per pcs_InboundReferralPolicy for new records, else the existing table. */
  target: 'opportunity' | 'lead';
  /** Columns of the opportunity or lead (logical names). */
  record: DataverseRecord;
  /** Account columns (matched on name + postal code, else created). */
  account: DataverseRecord | null;
  /** Customer contact columns (matched on email, else created). */
  contact: DataverseRecord | null;
  /** Solution rows to ensure on the record (matched by solution id against the catalogue). */
  solutions: SolutionRow[];
}

export interface FromReferralOptions {
  policy: 'lead' | 'opportunity';
  /** Existing record's table when the referral is already linked. */
  existingTarget?: 'opportunity' | 'lead';
}

// ---- contract (implemented by the Foundation issue) ----

/** Create body for POST /engagements/referrals (externalReferenceId = opportunity id). */
export declare function toReferralCreate(snapshot: OpportunitySnapshot, map: FieldMap): Referral;

/** JSON Patch (`replace`/`add` only) turning `current` into what the snapshot says, for fields mapped
 *  toPartnerCenter/both and editable after creation. Empty array = nothing to send. */
export declare function toReferralPatch(
  snapshot: OpportunitySnapshot,
  map: FieldMap,
  current: Referral,
): ReferralPatchOperation[];

/** Dataverse writes an inbound referral implies (fields mapped toDataverse/both). */
export declare function fromReferral(
  referral: Referral,
  map: FieldMap,
  options: FromReferralOptions,
): DataverseWrites;

/** Snapshot from one Web API opportunity read made with `opportunityQuery(map)`. */
export declare function snapshotFromWebApi(record: DataverseRecord): OpportunitySnapshot;

/** `?$select=…&$expand=…` for that one read (account, customer contact, currency, solutions). */
export declare function opportunityQuery(map: FieldMap): string;
