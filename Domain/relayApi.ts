/**
 * The relay's HTTP API for the browser (form scripts and PCF control): routes and bodies, shared by
 * the relay server and the web-resource relay client so they cannot drift. All routes need an
 * Entra ID bearer token for the relay's API (development issuer in the sandbox).
 */
import type { Problem } from './opportunity';
import type { Referral, ReferralPatchOperation } from './referral';

export const RelayRoutes = {
  /** POST: queue a sync of this opportunity now → SyncNowResponse (202). */
  syncNow: (opportunityId: string) => `/api/opportunities/${opportunityId}/sync`,
  /** GET: the referral that would be sent and the problems → PreviewResponse. */
  preview: (opportunityId: string) => `/api/opportunities/${opportunityId}/preview`,
  /** GET: the referral as Partner Center has it now → LiveStatusResponse. */
  liveStatus: (opportunityId: string) => `/api/opportunities/${opportunityId}/referral`,
  /** POST { reason? }: accept / decline an incoming referral (New status) → SyncNowResponse. */
  accept: (opportunityId: string) => `/api/opportunities/${opportunityId}/accept`,
  decline: (opportunityId: string) => `/api/opportunities/${opportunityId}/decline`,
  /** GET list, POST …/retry, DELETE one (discard): dead letters (admin). */
  deadLetters: '/api/dead-letters',
  retryDeadLetter: (id: string) => `/api/dead-letters/${id}/retry`,
  deadLetter: (id: string) => `/api/dead-letters/${id}`,
} as const;

/**
 * Where the relay receives webhooks: the Dataverse service endpoint `cosell setup` registers (steps
 * post RemoteExecutionContext there) and the Partner Center webhook registration.
 */
export const WebhookPaths = {
  dataverse: '/webhooks/dataverse',
  partnerCenter: '/webhooks/partner-center',
} as const;

export interface SyncNowResponse {
  jobId: string;
  status: 'queued';
}

export interface PreviewResponse {
  action: 'create' | 'update' | 'none' | 'blocked';
  /** Create body, when action = create. */
  referral?: Referral;
  /** Two-step co-sell creation: the connected referral for Microsoft sent after `referral`. */
  connected?: Referral;
  /** JSON Patch, when action = update. */
  patch?: ReferralPatchOperation[];
  problems: Problem[];
  /** Messages of `problems` in the caller's language (Accept-Language / lcid query). */
  messages: string[];
}

export interface LiveStatusResponse {
  referral: Referral | null;
}

export interface DeclineRequest {
  reason: string;
}

/** Every non-2xx answer of the relay has this JSON body. */
export interface RelayErrorBody {
  error: { code: string; message: string; requestId?: string };
}

/** Why a relay call failed, in terms the UI can act on. */
export type RelayFailureKind =
  'unreachable' | 'timeout' | 'unauthorized' | 'forbidden' | 'notFound' | 'badRequest' | 'server';

/** The browser's client of the relay (implemented in WebResources/relayClient, used by the form
 *  scripts and the PCF control). Methods reject with an Error whose `kind` is a RelayFailureKind. */
export interface RelayClient {
  syncNow(opportunityId: string): Promise<SyncNowResponse>;
  preview(opportunityId: string): Promise<PreviewResponse>;
  liveStatus(opportunityId: string): Promise<LiveStatusResponse>;
  accept(opportunityId: string): Promise<SyncNowResponse>;
  decline(opportunityId: string, reason: string): Promise<SyncNowResponse>;
}
