/** What every sync handler needs, injected once by the relay (real clients) or by tests. */
import type { Clock, DataverseApi, Logger, PartnerCenterApi } from '../ports';
import type { SyncMetrics } from '../ports';
import type { Store } from '../ports';
import type { FieldMapSource } from './fieldMapSource';
import type { LanguageResolver } from './language';
import type { SyncSettings } from './settings';

export interface SyncDeps {
  dataverse: DataverseApi;
  partnerCenter: PartnerCenterApi;
  store: Store;
  fieldMaps: FieldMapSource;
  settings: SyncSettings;
  clock: Clock;
  metrics?: SyncMetrics;
  /** Language of the messages written on records (owner's UI language); 1033 when absent. */
  languages?: LanguageResolver;
  /** How long a job waits when the field map is invalid before it looks again. */
  pausedRetryMs?: number;
}

export interface JobContext {
  logger: Logger;
  correlationId: string;
}

/** The eTag we last wrote for a referral: a webhook carrying it is our own echo. */
export const writtenEtagKey = (referralId: string) => `etag:${referralId.toLowerCase()}`;
/**
 * Set just before a referral is created for an opportunity, cleared once the opportunity links it: an
 * opportunity that still carries it when pushed again may have a referral Partner Center made but we
 * never linked (a crash or a lost answer after the POST), so only then is it searched by our id.
 */
export const createInFlightKey = (opportunityId: string) => `create-in-flight:${opportunityId.toLowerCase()}`;
/**
 * A referral we created ourselves. Partner Center fires referral-created once per referral, when it
 * is made, so that event for one of ours is our own echo whatever it says: no read needed (later
 * changes by anyone fire referral-updated).
 */
export const createdByUsKey = (referralId: string) => `created:${referralId.toLowerCase()}`;
