/**
 * What `npm start` prints once the sandbox runs: the URLs and a few things to try. The commands are
 * built from requests described here, so tests/e2e/sandbox/welcome.test.ts sends exactly those requests
 * against a started sandbox and checks what each line says it shows.
 */
import { AccountColumns, EntitySets, OpportunityColumns } from '../../Domain/constants';
import type { Sandbox, SandboxEndpoints } from './sandbox';

export interface HintRequest {
  method: 'GET' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
}

/** The Partner Center simulator wants a bearer token, as Partner Center does; any token will do. */
export const SANDBOX_PARTNER_CENTER_TOKEN = 'sandbox';
/** The seeded deal whose account country is not an ISO code. */
export const BLOCKED_DEAL = { opportunity: 'Tailspin Toys data estate', account: 'Tailspin Toys' } as const;
/** Where the account id goes in the PATCH hint. */
export const ACCOUNT_ID_PLACEHOLDER = '<accountid>';

/** Spaces and quotes of OData literals percent-encoded: the URL goes into a shell in single quotes
 *  (which keep `$select` from being read as a shell variable). */
const encodeQuery = (text: string) => text.replace(/ /g, '%20').replace(/'/g, '%27');

export function sandboxHints(e: SandboxEndpoints) {
  return {
    opportunities: {
      method: 'GET',
      url: `${e.dataverseApi}${EntitySets.opportunity}?$select=${OpportunityColumns.name},${OpportunityColumns.referralId},${OpportunityColumns.syncStatus}`,
    },
    referrals: {
      method: 'GET',
      url: e.partnerCenterReferrals,
      headers: { Authorization: `Bearer ${SANDBOX_PARTNER_CENTER_TOKEN}` },
    },
    metrics: { method: 'GET', url: e.relayMetrics },
    blockedAccount: {
      method: 'GET',
      url: encodeQuery(
        `${e.dataverseApi}${EntitySets.account}?$select=${AccountColumns.id}&$filter=${AccountColumns.name} eq '${BLOCKED_DEAL.account}'`,
      ),
    },
    fixCountry: {
      method: 'PATCH',
      url: `${e.dataverseApi}${EntitySets.account}(${ACCOUNT_ID_PLACEHOLDER})`,
      headers: { 'Content-Type': 'application/json' },
      body: { [AccountColumns.country]: 'US' },
    },
  } satisfies Record<string, HintRequest>;
}

/** The request as a curl command line. */
export function curlOf(request: HintRequest): string {
  const parts = ['curl -s'];
  if (request.method !== 'GET') parts.push(`-X ${request.method}`);
  for (const [name, value] of Object.entries(request.headers ?? {})) parts.push(`-H '${name}: ${value}'`);
  if (request.body) parts.push(`-d '${JSON.stringify(request.body)}'`);
  parts.push(`'${request.url}'`);
  return parts.join(' ');
}

export function welcomeText(sandbox: Sandbox): string {
  const e = sandbox.endpoints;
  const hint = sandboxHints(e);
  const lines = [
    '',
    'Partner Center co-sell sandbox is running (state in .sandbox/, `npm start -- --reset` to start over)',
    '',
    ...Object.entries(e.extras).map(([name, url]) => `  ${name.padEnd(22)} ${url}`),
    `  relay                  ${e.relay}   (health ${e.relayHealth}, metrics ${e.relayMetrics})`,
    `  Dataverse simulator    ${e.dataverseApi}`,
    `  Partner Center sim.    ${e.partnerCenterReferrals}`,
    '',
    sandbox.seed.seeded
      ? `Seeded ${sandbox.seed.opportunities.length} opportunities and ${sandbox.seed.referrals.length} incoming Microsoft referrals.`
      : 'Existing sandbox data kept.',
    '',
    'Try:',
    `  ${curlOf(hint.opportunities)}   # ✔ on the synced one`,
    `  ${curlOf(hint.referrals)}   # the referrals Partner Center has`,
    `  ${curlOf(hint.metrics)} | grep cosell_   # queue depth, outcomes, API calls`,
    `  On the demo form, switch sync on for "${BLOCKED_DEAL.opportunity}": ✖ and a message (its account's`,
    '  country "United States" is not a two-letter ISO code). Fix the account (the demo has no account form):',
    `    ${curlOf(hint.blockedAccount)}`,
    `    ${curlOf(hint.fixCountry)}`,
    '  and the deal turns ✔ within seconds by itself: no save of the opportunity, no Sync now.',
    '  Add a solution from the catalogue on a deal: the relay fills in its Solution ID (press Refresh).',
    '',
    'Endpoints are in .sandbox/endpoints.json. Ctrl-C stops everything.',
    '',
  ];
  return lines.join('\n');
}
