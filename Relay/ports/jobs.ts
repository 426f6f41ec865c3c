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
