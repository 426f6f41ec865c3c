/**
 * What the seller reads when a relay call fails. The relay client rejects with an Error carrying a
 * `kind` (Domain/relayApi.ts); the words come from our resx so they match the rest of the control.
 */
import type { RelayFailureKind } from '../../Domain/relayApi';
import type { StringKey, Translate } from './strings';

const KEYS: Record<RelayFailureKind, StringKey> = {
  unreachable: 'Relay_unreachable',
  timeout: 'Relay_timeout',
  unauthorized: 'Relay_unauthorized',
  forbidden: 'Relay_forbidden',
  notFound: 'Relay_notFound',
  badRequest: 'Relay_badRequest',
  server: 'Relay_server',
};

interface RelayFailure {
  kind?: unknown;
  code?: unknown;
  serverMessage?: unknown;
  message?: unknown;
}

/** `notConfigured` is the relay client's code for "no pcs_RelayBaseUrl / pcs_RelayClientId value". */
export const NOT_CONFIGURED_CODE = 'notConfigured';

export function relayErrorText(error: unknown, t: Translate): string {
  const failure: RelayFailure =
    typeof error === 'object' && error !== null ? error : { message: String(error) };
  if (failure.code === NOT_CONFIGURED_CODE) return t('Relay_NotConfigured');
  const detail = String(failure.serverMessage ?? failure.message ?? '');
  const key = typeof failure.kind === 'string' ? KEYS[failure.kind as RelayFailureKind] : undefined;
  return t(key ?? 'Relay_server', detail);
}
