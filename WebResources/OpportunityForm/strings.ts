/**
 * The form script's own texts (problem texts come from the shared rules: problemMessage).
 * `{detail}` is filled in by `formText`.
 */
import { LANGUAGES, type Lcid } from '../../Domain/constants';

const TEXTS = {
  lastSyncFailed: {
    1033: 'The last sync with Partner Center failed: {detail}',
    1046: 'A última sincronização com o Partner Center falhou: {detail}',
    3082: 'La última sincronización con el Centro de partners no se pudo completar: {detail}',
  },
  lastSyncFailedNoDetail: {
    1033: 'The last sync with Partner Center failed. The sync events on this opportunity show why.',
    1046: 'A última sincronização com o Partner Center falhou. Os eventos de sincronização desta oportunidade mostram o motivo.',
    3082: 'La última sincronización con el Centro de partners no se pudo completar. Los eventos de sincronización de esta oportunidad muestran el motivo.',
  },
  checkFailed: {
    1033: "The Partner Center sharing rules couldn't be checked here ({detail}). The sync service checks them again after you save.",
    1046: 'Não foi possível verificar aqui as regras de compartilhamento do Partner Center ({detail}). O serviço de sincronização as verifica novamente depois que você salvar.',
    3082: 'No se pudieron comprobar aquí las reglas para compartir del Centro de partners ({detail}). El servicio de sincronización las vuelve a comprobar después de guardar.',
  },
} satisfies Record<string, Record<Lcid, string>>;

export type FormTextKey = keyof typeof TEXTS;

/** The user's language if we ship it, else English (userSettings.languageId can be any LCID). */
export function supportedLcid(languageId: number | null | undefined): Lcid {
  return (LANGUAGES as readonly number[]).includes(languageId ?? 0) ? (languageId as Lcid) : 1033;
}

export function formText(key: FormTextKey, lcid: number, detail = ''): string {
  return TEXTS[key][supportedLcid(lcid)].replace('{detail}', detail);
}
