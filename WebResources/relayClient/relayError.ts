/**
 * The one error type of the relay client. It carries what the UI needs to act (`kind`, HTTP status,
 * the relay's error code and request id) and a message the seller can read in their language.
 * Tokens never reach it: messages are built from our own texts and the relay's JSON error body only.
 */
import type { RelayErrorBody, RelayFailureKind } from '../../Domain/relayApi';

type Messages = Record<RelayFailureKind, string>;

// "Nothing is lost" matters: the plug-in step still syncs the opportunity on save, so a relay outage
// only costs the seller the live buttons, never data.
const en: Messages = {
  unreachable:
    "The Partner Center sync service can't be reached right now. Nothing is lost: your changes are still sent to Partner Center when you save the opportunity.",
  timeout:
    'The Partner Center sync service did not answer in time. Nothing is lost: your changes are still sent to Partner Center when you save the opportunity.',
  unauthorized:
    "You couldn't be signed in to the Partner Center sync service. Refresh the page and try again; if it keeps failing, ask your administrator to check the relay's app registration.",
  forbidden:
    "You don't have permission to do this. Ask your administrator for the Partner Center Co-sell Seller role and access to this opportunity.",
  notFound:
    "The Partner Center sync service doesn't know this opportunity yet. Save it first, then try again.",
  badRequest: 'The Partner Center sync service refused the request.',
  server:
    'The Partner Center sync service hit an error. Nothing is lost: your changes are still sent to Partner Center when you save the opportunity. Try again in a few minutes.',
};

const ptBR: Messages = {
  unreachable:
    'Não é possível acessar o serviço de sincronização do Partner Center agora. Nada foi perdido: suas alterações ainda são enviadas ao Partner Center quando você salva a oportunidade.',
  timeout:
    'O serviço de sincronização do Partner Center não respondeu a tempo. Nada foi perdido: suas alterações ainda são enviadas ao Partner Center quando você salva a oportunidade.',
  unauthorized:
    'Não foi possível entrar no serviço de sincronização do Partner Center. Atualize a página e tente novamente; se continuar falhando, peça ao administrador para verificar o registro de aplicativo do relay.',
  forbidden:
    'Você não tem permissão para fazer isso. Peça ao administrador a função Partner Center Co-sell Seller e acesso a esta oportunidade.',
  notFound:
    'O serviço de sincronização do Partner Center ainda não conhece esta oportunidade. Salve-a primeiro e tente novamente.',
  badRequest: 'O serviço de sincronização do Partner Center recusou a solicitação.',
  server:
    'O serviço de sincronização do Partner Center encontrou um erro. Nada foi perdido: suas alterações ainda são enviadas ao Partner Center quando você salva a oportunidade. Tente novamente em alguns minutos.',
};

const esES: Messages = {
  unreachable:
    'No se puede acceder al servicio de sincronización del Centro de partners en este momento. No se pierde nada: los cambios se siguen enviando al Centro de partners al guardar la oportunidad.',
  timeout:
    'El servicio de sincronización del Centro de partners no respondió a tiempo. No se pierde nada: los cambios se siguen enviando al Centro de partners al guardar la oportunidad.',
  unauthorized:
    'No se pudo iniciar sesión en el servicio de sincronización del Centro de partners. Actualice la página y vuelva a intentarlo; si sigue fallando, pida al administrador que revise el registro de aplicación del relay.',
  forbidden:
    'No tiene permiso para hacer esto. Pida al administrador el rol Partner Center Co-sell Seller y acceso a esta oportunidad.',
  notFound:
    'El servicio de sincronización del Centro de partners aún no conoce esta oportunidad. Guárdela primero y vuelva a intentarlo.',
  badRequest: 'El servicio de sincronización del Centro de partners rechazó la solicitud.',
  server:
    'El servicio de sincronización del Centro de partners encontró un error. No se pierde nada: los cambios se siguen enviando al Centro de partners al guardar la oportunidad. Vuelva a intentarlo en unos minutos.',
};

const byLcid: Record<number, Messages> = { 1033: en, 1046: ptBR, 3082: esES };

/** What the seller reads for a failure kind, in 1033 / 1046 / 3082 (anything else falls back to 1033). */
export function relayFailureMessage(kind: RelayFailureKind, lcid: number = 1033): string {
  return (byLcid[lcid] ?? en)[kind];
}

export interface RelayErrorDetails {
  status?: number;
  /** `error.code` of the relay's JSON error body. */
  code?: string;
  /** `error.message` of the relay's JSON error body (English, for support and logs). */
  serverMessage?: string;
  requestId?: string;
  cause?: unknown;
}

export class RelayError extends Error {
  override readonly name = 'RelayError';
  readonly kind: RelayFailureKind;
  readonly status?: number;
  readonly code?: string;
  readonly serverMessage?: string;
  readonly requestId?: string;

  constructor(kind: RelayFailureKind, message: string, details: RelayErrorDetails = {}) {
    super(message);
    this.kind = kind;
    this.status = details.status;
    this.code = details.code;
    this.serverMessage = details.serverMessage;
    this.requestId = details.requestId;
    // Set by hand: the ES2017 bundle target has no `new Error(message, { cause })`.
    if (details.cause !== undefined) (this as { cause?: unknown }).cause = details.cause;
  }
}

/** The failure kind an HTTP status means for the UI. */
export function failureKindOf(status: number): RelayFailureKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  // 408 / 504: the relay (or a gateway in front of it) gave up waiting, same advice as our own timeout.
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'server';
  return 'badRequest';
}

/** Reads `{ error: { code, message, requestId } }` without trusting it: any other body yields {}. */
export function parseErrorBody(
  text: string,
): Pick<RelayErrorDetails, 'code' | 'serverMessage' | 'requestId'> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  const error = (body as Partial<RelayErrorBody> | null)?.error;
  if (error === null || typeof error !== 'object') return {};
  const asText = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  return {
    code: asText(error.code),
    serverMessage: asText(error.message),
    requestId: asText(error.requestId),
  };
}
