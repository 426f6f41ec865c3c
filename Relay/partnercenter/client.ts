/**
 * Typed client of the Partner Center Referrals API and the webhook registration API
 * (partner-center-api.md §1, §2, §5.1). Liberal in what it reads (either property casing, list items
 * without eTag, a 204 where a body was asked for, quirky nextLinks), exact in what it sends.
 */
import { randomUUID } from 'node:crypto';
import { parseReferral, type Referral, type ReferralPatchOperation, type StoredReferral } from '../../Domain';
import {
  ApiError,
  type CallOptions,
  type Logger,
  type PartnerCenterApi,
  type ReferralListQuery,
  type ReferralPage,
  type ValidationEventStatus,
  type WebhookRegistration,
} from '../ports';
import {
  createHttpClient,
  redactUrl,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
} from '../http';
import type { PartnerCenterAudience, PartnerCenterTokenProvider } from './auth';
import { where } from '../../Domain/odataQuery';
import { listQueryString, rebaseNextLink } from './odata';

export const DEFAULT_REFERRALS_URL = 'https://api.partner.microsoft.com/v1.0/engagements/referrals';
export const DEFAULT_WEBHOOKS_URL = 'https://api.partnercenter.microsoft.com/webhooks/v1/registration';

export interface PartnerCenterClientOptions {
  tokens: PartnerCenterTokenProvider;
  /** Referrals collection URL; default the production host. */
  referralsUrl?: string;
  /** Webhook registration URL; default the production host. */
  webhooksUrl?: string;
  /** Retry policy, dispatcher, sleep/clock injection (see Relay/http). */
  http?: Omit<HttpClientOptions, 'service'>;
  /** Safety cap when following @odata.nextLink. Default 100 pages. */
  maxPages?: number;
  logger?: Logger;
  newCorrelationId?: () => string;
}

type Obj = Record<string, unknown>;

/** Property by camelCase name or its PascalCase twin (registration docs use both). */
const field = (o: Obj, name: string): unknown => o[name] ?? o[name[0]!.toUpperCase() + name.slice(1)];

function malformed(res: HttpResponse, req: HttpRequest, what: string, cause?: unknown): ApiError {
  return new ApiError(`partnercenter: ${req.method} ${redactUrl(req.url)} returned ${what}`, {
    service: 'partnercenter',
    status: res.status,
    method: req.method,
    url: redactUrl(req.url),
    requestId: res.requestId,
    cause,
  });
}

export function createPartnerCenterClient(options: PartnerCenterClientOptions): PartnerCenterApi {
  const referralsUrl = (options.referralsUrl ?? DEFAULT_REFERRALS_URL).replace(/\/+$/, '');
  const webhooksUrl = (options.webhooksUrl ?? DEFAULT_WEBHOOKS_URL).replace(/\/+$/, '');
  const maxPages = options.maxPages ?? 100;
  const http = createHttpClient({ ...options.http, service: 'partnercenter', logger: options.logger });
  const newCorrelationId = options.newCorrelationId ?? randomUUID;

  async function call(
    audience: PartnerCenterAudience,
    req: HttpRequest,
    call?: CallOptions,
  ): Promise<{ res: HttpResponse; req: HttpRequest }> {
    const token = await options.tokens.getToken(audience);
    const full: HttpRequest = {
      ...req,
      headers: {
        authorization: `Bearer ${token}`,
        'ms-correlationid': call?.correlationId ?? newCorrelationId(),
        ...req.headers,
      },
    };
    return { res: await http.send(full), req: full };
  }

  function json(res: HttpResponse, req: HttpRequest): unknown {
    try {
      return JSON.parse(res.text);
    } catch (error) {
      throw malformed(res, req, 'a body that is not JSON', error);
    }
  }

  function stored(value: unknown, res: HttpResponse, req: HttpRequest, requireETag: boolean): StoredReferral {
    let referral: Referral;
    try {
      referral = parseReferral(value);
    } catch (error) {
      throw malformed(res, req, `an unreadable referral (${(error as Error).message})`, error);
    }
    const clean = Object.fromEntries(
      Object.entries(referral).filter(([k]) => !k.startsWith('@odata.')),
    ) as Referral;
    if (!clean.id || (requireETag && !clean.eTag)) throw malformed(res, req, 'a referral without id or eTag');
    // List items in the docs sample carry no eTag: '' means "unknown, GET before a conditional PATCH".
    return { ...clean, id: clean.id, eTag: clean.eTag ?? '' };
  }

  const referralUrl = (id: string) => `${referralsUrl}/${encodeURIComponent(id)}`;

  const api: PartnerCenterApi = {
    async createReferral(body, callOptions) {
      const { res, req } = await call(
        'referrals',
        { method: 'POST', url: referralsUrl, json: body },
        callOptions,
      );
      return stored(json(res, req), res, req, true);
    },

    async getReferral(id, callOptions) {
      const { res, req } = await call('referrals', { method: 'GET', url: referralUrl(id) }, callOptions);
      return stored(json(res, req), res, req, true);
    },

    async listReferrals(query: ReferralListQuery, callOptions) {
      const items: StoredReferral[] = [];
      const seen = new Set<string>();
      let next: string | null = null;
      for (let page = 0; page === 0 || next; page++) {
        if (page >= maxPages) {
          options.logger?.warn(
            { maxPages },
            'partnercenter: stopped following @odata.nextLink at the page cap',
          );
          break;
        }
        if (next) seen.add(next);
        const read: ReferralPage = await api.listReferralPage(query, next, callOptions);
        for (const item of read.items) {
          items.push(item);
          if (query.top !== undefined && items.length >= query.top) return items;
        }
        // A server repeating its nextLink would loop forever.
        next = read.next && !seen.has(read.next) ? read.next : null;
      }
      return items;
    },

    async listReferralPage(query: ReferralListQuery, next, callOptions) {
      // The nextLink carries the whole query (its $skiptoken); only the first page sends `query`.
      const url = next ? rebaseNextLink(next, referralsUrl) : `${referralsUrl}${listQueryString(query)}`;
      const { res, req } = await call('referrals', { method: 'GET', url }, callOptions);
      const body = json(res, req) as Obj;
      if (!body || !Array.isArray(body.value)) throw malformed(res, req, 'a list without "value"');
      const nextLink = body['@odata.nextLink'];
      return {
        items: body.value.map((item: unknown) => stored(item, res, req, false)),
        next: typeof nextLink === 'string' ? rebaseNextLink(nextLink, referralsUrl) : null,
      };
    },

    async findByExternalReferenceId(externalReferenceId, callOptions) {
      const matches = await api.listReferrals(
        {
          filter: where.eq('externalReferenceId', externalReferenceId),
          orderBy: [{ column: 'createdDateTime' }],
        },
        callOptions,
      );
      // Re-check locally: a server that ignored the filter must not hand back someone else's referral.
      return matches.find((r) => r.externalReferenceId === externalReferenceId) ?? null;
    },

    async patchReferral(id, operations: ReferralPatchOperation[], callOptions) {
      const headers: Record<string, string> = { prefer: 'return=representation' };
      // Sent verbatim: the eTag string includes its inner quotes (`"\"…\""` in JSON).
      if (callOptions?.ifMatch) headers['if-match'] = callOptions.ifMatch;
      const { res, req } = await call(
        'referrals',
        {
          method: 'PATCH',
          url: referralUrl(id),
          headers,
          json: operations,
          // Replaying `replace` ops is harmless; `add` to an array (/team/-) is not.
          idempotent: operations.every((op) => op.op === 'replace'),
        },
        callOptions,
      );
      if (res.status === 204 || res.text.trim() === '') return api.getReferral(id, callOptions);
      return stored(json(res, req), res, req, true);
    },

    async getWebhookRegistration(callOptions) {
      try {
        const { res, req } = await call('webhooks', { method: 'GET', url: webhooksUrl }, callOptions);
        if (res.text.trim() === '') return null;
        return toRegistration(json(res, req) as Obj);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },

    async putWebhookRegistration(registration, callOptions) {
      const existing = await api.getWebhookRegistration(callOptions);
      // The documented request body is PascalCase.
      const body: Obj = { WebhookUrl: registration.webhookUrl, WebhookEvents: registration.webhookEvents };
      if (registration.signatureTokenToMsSignatureHeader !== undefined) {
        body.SignatureTokenToMsSignatureHeader = registration.signatureTokenToMsSignatureHeader;
      }
      const method = existing ? 'PUT' : 'POST';
      const { res, req } = await call('webhooks', { method, url: webhooksUrl, json: body }, callOptions);
      if (res.text.trim() === '') return { ...registration, subscriberId: existing?.subscriberId };
      return toRegistration(json(res, req) as Obj);
    },

    async listWebhookEvents(callOptions) {
      const { res, req } = await call(
        'webhooks',
        { method: 'GET', url: `${webhooksUrl}/events` },
        callOptions,
      );
      const body = json(res, req);
      const list = Array.isArray(body) ? body : ((body as Obj)?.value ?? (body as Obj)?.items);
      if (!Array.isArray(list)) throw malformed(res, req, 'an events list that is not an array');
      return list.map(String);
    },

    async sendValidationEvent(callOptions) {
      const { res, req } = await call(
        'webhooks',
        { method: 'POST', url: `${webhooksUrl}/validationEvents` },
        callOptions,
      );
      const correlationId = field(json(res, req) as Obj, 'correlationId');
      if (typeof correlationId !== 'string') throw malformed(res, req, 'no correlationId');
      return { correlationId };
    },

    async getValidationEvent(correlationId, callOptions) {
      const url = `${webhooksUrl}/validationEvents/${encodeURIComponent(correlationId)}`;
      const { res, req } = await call('webhooks', { method: 'GET', url }, callOptions);
      return toValidationStatus(json(res, req) as Obj, correlationId);
    },
  };
  return api;
}

function toRegistration(body: Obj): WebhookRegistration {
  const events = field(body, 'webhookEvents');
  const subscriberId = field(body, 'subscriberId');
  const toMs = field(body, 'signatureTokenToMsSignatureHeader');
  return {
    ...(typeof subscriberId === 'string' ? { subscriberId } : {}),
    webhookUrl: String(field(body, 'webhookUrl') ?? ''),
    webhookEvents: Array.isArray(events) ? events.map(String) : [],
    ...(typeof toMs === 'boolean' ? { signatureTokenToMsSignatureHeader: toMs } : {}),
  };
}

function toValidationStatus(body: Obj, correlationId: string): ValidationEventStatus {
  const results = field(body, 'results');
  const callbackUrl = field(body, 'callbackUrl');
  return {
    correlationId: String(field(body, 'correlationId') ?? correlationId),
    status: String(field(body, 'status') ?? 'unknown'),
    ...(typeof callbackUrl === 'string' ? { callbackUrl } : {}),
    results: (Array.isArray(results) ? (results as Obj[]) : []).map((r) => {
      const code = field(r, 'responseCode');
      const message = field(r, 'responseMessage');
      const systemError = field(r, 'systemError');
      return {
        responseCode: code == null || code === '' ? null : Number(code),
        ...(typeof message === 'string' ? { responseMessage: message } : {}),
        ...(typeof systemError === 'string' ? { systemError } : {}),
        dateTimeUtc: String(field(r, 'dateTimeUtc') ?? ''),
      };
    }),
  };
}
