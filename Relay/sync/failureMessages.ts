/**
 * What a seller reads on a record whose sync failed for good (title of the sync event, the message on
 * the event, the audit line and the control's badge), in the three languages the solution ships in.
 * Every message says what to do next and who to ask; none repeats what Partner Center or Dataverse
 * answered (that stays in the relay's log and dead-letter list, found through the reference).
 * "Sync now" is the control's button label in each language (PartnerCenterSync.*.resx).
 */
import { interpolate } from '../../Domain/messages';
import type { MessageLcid } from '../../Domain/messages';

const TITLES = {
  invalid: {
    1033: 'Not shared: fix the opportunity',
    1046: 'Não compartilhada: corrija a oportunidade',
    3082: 'No compartida: corrija la oportunidad',
  },
  paused: {
    1033: 'Sync paused: field map invalid',
    1046: 'Sincronização pausada: mapa de campos inválido',
    3082: 'Sincronización en pausa: mapa de campos no válido',
  },
  rejected: {
    1033: 'Partner Center rejected the change',
    1046: 'O Partner Center recusou a alteração',
    3082: 'Partner Center rechazó el cambio',
  },
  refused: {
    1033: 'Dynamics 365 refused the sync',
    1046: 'O Dynamics 365 recusou a sincronização',
    3082: 'Dynamics 365 rechazó la sincronización',
  },
  forbidden: {
    1033: 'Sync not allowed: a permission is missing',
    1046: 'Sincronização não permitida: falta uma permissão',
    3082: 'Sincronización no permitida: falta un permiso',
  },
  unreadable: {
    1033: 'Referral from Partner Center could not be read',
    1046: 'Não foi possível ler a indicação do Partner Center',
    3082: 'No se pudo leer la referencia de Partner Center',
  },
  deadLetter: {
    1033: 'Sync stopped after repeated failures',
    1046: 'Sincronização interrompida após falhas repetidas',
    3082: 'Sincronización detenida tras errores repetidos',
  },
} satisfies Record<string, Record<MessageLcid, string>>;

const MESSAGES = {
  paused: {
    1033: 'Sync is paused because the Partner Center field map is invalid ({reason}). Your changes are kept. Ask your administrator to correct the field map of the Partner Center sync control and publish the form; this record then syncs by itself.',
    1046: 'A sincronização está pausada porque o mapa de campos do Partner Center é inválido ({reason}). Suas alterações são mantidas. Peça ao administrador para corrigir o mapa de campos do controle de sincronização do Partner Center e publicar o formulário; este registro será sincronizado sozinho.',
    3082: 'La sincronización está en pausa porque el mapa de campos de Partner Center no es válido ({reason}). Sus cambios se conservan. Pida al administrador que corrija el mapa de campos del control de sincronización de Partner Center y publique el formulario; este registro se sincronizará solo.',
  },
  rejectedFields: {
    1033: 'Partner Center did not accept the referral because of {fields}. Correct it on the opportunity, then select Sync now. Reference for your administrator: {reference}.',
    1046: 'O Partner Center não aceitou a indicação por causa de {fields}. Corrija na oportunidade e selecione Sincronizar agora. Referência para o administrador: {reference}.',
    3082: 'Partner Center no aceptó la referencia por {fields}. Corríjalo en la oportunidad y seleccione Sincronizar ahora. Referencia para el administrador: {reference}.',
  },
  rejected: {
    1033: 'Partner Center did not accept the referral. Check the customer account, customer contact, Microsoft solutions, estimated revenue and close date, then select Sync now. If it fails again, give your administrator the reference {reference}.',
    1046: 'O Partner Center não aceitou a indicação. Verifique a conta e o contato do cliente, as soluções Microsoft, a receita estimada e a data de fechamento e selecione Sincronizar agora. Se falhar de novo, informe ao administrador a referência {reference}.',
    3082: 'Partner Center no aceptó la referencia. Revise la cuenta y el contacto del cliente, las soluciones de Microsoft, los ingresos estimados y la fecha de cierre, y seleccione Sincronizar ahora. Si vuelve a fallar, indique al administrador la referencia {reference}.',
  },
  refused: {
    1033: 'Dynamics 365 refused a change the sync service made to this record. Ask your administrator to check the Partner Center sync (reference {reference}).',
    1046: 'O Dynamics 365 recusou uma alteração que o serviço de sincronização fez neste registro. Peça ao administrador para verificar a sincronização com o Partner Center (referência {reference}).',
    3082: 'Dynamics 365 rechazó un cambio que el servicio de sincronización hizo en este registro. Pida al administrador que revise la sincronización con Partner Center (referencia {reference}).',
  },
  forbiddenPartnerCenter: {
    1033: 'Partner Center refused the sync service access. Ask your administrator to check the Partner Center account and role the sync uses (reference {reference}).',
    1046: 'O Partner Center recusou o acesso do serviço de sincronização. Peça ao administrador para verificar a conta e a função do Partner Center usadas pela sincronização (referência {reference}).',
    3082: 'Partner Center denegó el acceso al servicio de sincronización. Pida al administrador que revise la cuenta y el rol de Partner Center que usa la sincronización (referencia {reference}).',
  },
  forbiddenDataverse: {
    1033: 'The sync service lacks a permission in Dynamics 365 for this record. Ask your administrator to check the security role of the Partner Center sync user (reference {reference}).',
    1046: 'Falta uma permissão ao serviço de sincronização no Dynamics 365 para este registro. Peça ao administrador para verificar a função de segurança do usuário de sincronização do Partner Center (referência {reference}).',
    3082: 'Al servicio de sincronización le falta un permiso en Dynamics 365 para este registro. Pida al administrador que revise el rol de seguridad del usuario de sincronización de Partner Center (referencia {reference}).',
  },
  unreadable: {
    1033: 'Partner Center sent referral data the sync service cannot read ({path}); this record was not changed. Give your administrator the reference {reference}.',
    1046: 'O Partner Center enviou dados de indicação que o serviço de sincronização não consegue ler ({path}); este registro não foi alterado. Informe ao administrador a referência {reference}.',
    3082: 'Partner Center envió datos de referencia que el servicio de sincronización no puede leer ({path}); este registro no se modificó. Indique al administrador la referencia {reference}.',
  },
  deadLetterToPartnerCenter: {
    1033: 'The sync to Partner Center failed {attempts} times in a row and stopped retrying. Select Sync now to try again. If it keeps failing, give your administrator the reference {reference}.',
    1046: 'A sincronização com o Partner Center falhou {attempts} vezes seguidas e parou de tentar. Selecione Sincronizar agora para tentar de novo. Se continuar falhando, informe ao administrador a referência {reference}.',
    3082: 'La sincronización con Partner Center falló {attempts} veces seguidas y dejó de reintentar. Seleccione Sincronizar ahora para volver a intentarlo. Si sigue fallando, indique al administrador la referencia {reference}.',
  },
  deadLetterToDataverse: {
    1033: 'Changes from Partner Center could not be applied to this record after {attempts} attempts. They are applied again with the next change or reconciliation. If this keeps happening, give your administrator the reference {reference}.',
    1046: 'As alterações do Partner Center não puderam ser aplicadas a este registro após {attempts} tentativas. Elas serão aplicadas de novo na próxima alteração ou reconciliação. Se isso continuar, informe ao administrador a referência {reference}.',
    3082: 'Los cambios de Partner Center no se pudieron aplicar a este registro tras {attempts} intentos. Se aplicarán de nuevo con el próximo cambio o la próxima conciliación. Si sigue ocurriendo, indique al administrador la referencia {reference}.',
  },
} satisfies Record<string, Record<MessageLcid, string>>;

/** The parts of a referral Partner Center names in an error, in the seller's words. */
const FIELDS = {
  customerCountry: {
    1033: 'the customer account’s country',
    1046: 'o país da conta do cliente',
    3082: 'el país de la cuenta del cliente',
  },
  customerAddress: {
    1033: 'the customer account’s address',
    1046: 'o endereço da conta do cliente',
    3082: 'la dirección de la cuenta del cliente',
  },
  customerName: {
    1033: 'the customer account’s name',
    1046: 'o nome da conta do cliente',
    3082: 'el nombre de la cuenta del cliente',
  },
  customerContact: {
    1033: 'the customer contact',
    1046: 'o contato do cliente',
    3082: 'el contacto del cliente',
  },
  solutions: {
    1033: 'the Microsoft solutions',
    1046: 'as soluções Microsoft',
    3082: 'las soluciones de Microsoft',
  },
  dealValue: { 1033: 'the estimated revenue', 1046: 'a receita estimada', 3082: 'los ingresos estimados' },
  closeDate: {
    1033: 'the estimated close date',
    1046: 'a data estimada de fechamento',
    3082: 'la fecha de cierre estimada',
  },
  currency: { 1033: 'the currency', 1046: 'a moeda', 3082: 'la divisa' },
  topic: { 1033: 'the topic (name)', 1046: 'o tópico (nome)', 3082: 'el tema (nombre)' },
  description: { 1033: 'the description', 1046: 'a descrição', 3082: 'la descripción' },
  help: {
    1033: 'the help requested from Microsoft or the referral visibility',
    1046: 'a ajuda solicitada à Microsoft ou a visibilidade da indicação',
    3082: 'la ayuda solicitada a Microsoft o la visibilidad de la referencia',
  },
} satisfies Record<string, Record<MessageLcid, string>>;

export type FailureTitle = keyof typeof TITLES;
export type FailureMessage = keyof typeof MESSAGES;
export type FailureField = keyof typeof FIELDS;

const LOCALES: Record<MessageLcid, string> = { 1033: 'en-US', 1046: 'pt-BR', 3082: 'es-ES' };

export const failureTitle = (key: FailureTitle, lcid: MessageLcid): string => TITLES[key][lcid];

export const failureMessage = (
  key: FailureMessage,
  lcid: MessageLcid,
  params: Record<string, string> = {},
): string => interpolate(MESSAGES[key][lcid], params);

/** "the customer contact and the Microsoft solutions", in the seller's language. */
export const fieldList = (fields: readonly FailureField[], lcid: MessageLcid): string =>
  new Intl.ListFormat(LOCALES[lcid], { type: 'conjunction' }).format(fields.map((f) => FIELDS[f][lcid]));

/**
 * Partner Center names what it rejects by JSON path (`customerProfile.address.country`,
 * `$.details.dealValue`, `/details/dealValue`); the seller knows the fields by their form labels.
 * Longest prefix first; paths we cannot place are left out (the generic message covers them).
 */
const PATH_FIELDS: [string, FailureField][] = [
  ['customerprofile.address.country', 'customerCountry'],
  ['customerprofile.address', 'customerAddress'],
  ['customerprofile.team', 'customerContact'],
  ['customerprofile', 'customerName'],
  ['details.requirements.solutions', 'solutions'],
  ['details.dealvalue', 'dealValue'],
  ['details.closingdatetime', 'closeDate'],
  ['details.currency', 'currency'],
  ['details.notes', 'description'],
  ['name', 'topic'],
  ['consent', 'help'],
  ['invitecontext', 'help'],
];

export function fieldsOfPaths(paths: readonly string[]): FailureField[] {
  const fields = new Set<FailureField>();
  for (const raw of paths) {
    const path = raw
      .trim()
      .replace(/^\$\.?/, '')
      .replace(/^\//, '')
      .replace(/\//g, '.')
      .replace(/\[\d*\]/g, '')
      .toLowerCase();
    const match = PATH_FIELDS.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`));
    if (match) fields.add(match[1]);
  }
  return [...fields];
}
