/**
 * The job kinds of the queue and their payloads. Keys name the record so that one job at a time
 * runs per opportunity / lead / referral, and bursts of changes coalesce into one sync.
 */
import type { NewJob } from './store';

export const JobKinds = {
  /** Push an opportunity to Partner Center (create or patch), optionally closing it. */
  opportunitySync: 'opportunity.sync',
  /** Seller answers an incoming referral: accept or decline. */
  opportunityRespond: 'opportunity.respond',
  /** Lead changed in Dynamics 365 (qualified / disqualified). */
  leadSync: 'lead.sync',
  /** Pull a referral from Partner Center into Dataverse. */
  referralPull: 'referral.pull',
  /** Microsoft's side of an engagement changed. */
  relatedReferralPull: 'referral.related',
  /** A column the sharing rules read changed on an account or contact: re-sync its deals in error. */
  customerChanged: 'customer.changed',
  /** A solution row picked from the catalogue: copy the catalogue's id, name and publisher onto it. */
  solutionFromCatalogue: 'solution.catalogue',
} as const;
export type JobKind = (typeof JobKinds)[keyof typeof JobKinds];

export interface OpportunitySyncPayload {
  opportunityId: string;
  reason: string;
  /** Set by Win / Lose steps: close the referral too. */
  closing?: { outcome: 'won' | 'lost'; reason?: string | null };
}

export interface OpportunityRespondPayload {
  opportunityId: string;
  action: 'accept' | 'decline';
  reason?: string | null;
}

export interface LeadSyncPayload {
  leadId: string;
  reason: string;
  /** New lead statecode (1 qualified, 2 disqualified) when the step saw one. */
  stateCode?: number | null;
}

export interface ReferralPullPayload {
  referralId: string;
  eventName: string;
  changedAt?: string | null;
}

export const opportunityKey = (id: string) => `opportunity:${id.toLowerCase()}`;
export const leadKey = (id: string) => `lead:${id.toLowerCase()}`;
export const referralKey = (id: string) => `referral:${id.toLowerCase()}`;

export const opportunitySyncJob = (payload: OpportunitySyncPayload, correlationId?: string): NewJob => ({
  kind: JobKinds.opportunitySync,
  key: opportunityKey(payload.opportunityId),
  payload: { ...payload },
  correlationId,
});

export const opportunityRespondJob = (
  payload: OpportunityRespondPayload,
  correlationId?: string,
): NewJob => ({
  kind: JobKinds.opportunityRespond,
  key: opportunityKey(payload.opportunityId),
  payload: { ...payload },
  correlationId,
});

export const leadSyncJob = (payload: LeadSyncPayload, correlationId?: string): NewJob => ({
  kind: JobKinds.leadSync,
  key: leadKey(payload.leadId),
  payload: { ...payload },
  correlationId,
});

export const referralPullJob = (
  payload: ReferralPullPayload,
  related: boolean,
  correlationId?: string,
): NewJob => ({
  kind: related ? JobKinds.relatedReferralPull : JobKinds.referralPull,
  key: referralKey(payload.referralId),
  payload: { ...payload },
  correlationId,
});

export interface CustomerChangedPayload {
  table: 'account' | 'contact';
  id: string;
  reason: string;
}

/** Keyed by the account or contact: a burst of edits to one customer coalesces into one look-up. */
export const customerChangedJob = (payload: CustomerChangedPayload, correlationId?: string): NewJob => ({
  kind: JobKinds.customerChanged,
  key: `${payload.table}:${payload.id.toLowerCase()}`,
  payload: { ...payload },
  correlationId,
});

export interface SolutionFromCataloguePayload {
  /** Copy onto every catalogue-linked solution row of this opportunity, then sync it. */
  opportunityId: string | null;
  /** A row not (yet) on an opportunity: copy onto this row only. */
  solutionRowId: string | null;
  reason: string;
}

/**
 * Keyed by the opportunity when there is one, so the copy runs before any sync of that opportunity
 * queued after it (one job per key at a time, oldest first) and that sync sees the filled ids; rows
 * added in a burst coalesce into one copy of all of them.
 */
export const solutionFromCatalogueJob = (
  payload: SolutionFromCataloguePayload,
  correlationId?: string,
): NewJob => ({
  kind: JobKinds.solutionFromCatalogue,
  key: payload.opportunityId
    ? opportunityKey(payload.opportunityId)
    : `solution:${(payload.solutionRowId ?? '').toLowerCase()}`,
  payload: { ...payload },
  correlationId,
});
