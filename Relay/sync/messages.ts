/**
 * Texts the relay writes on records for changes coming from Partner Center (audit line and sync
 * event), in the three languages the solution ships in. Sharing-rule problems have their own table
 * in Domain/messages.ts. Partner Center's own UI words: "referral" is "indicação" (pt-BR) and
 * "referencia" (es-ES).
 */
import { interpolate } from '../../Domain/messages';
import type { MessageLcid } from '../../Domain/messages';

const TEXTS = {
  updatedTitle: {
    1033: 'Updated from referral',
    1046: 'Atualizado a partir da indicação',
    3082: 'Actualizado desde la referencia',
  },
  updatedMessage: {
    1033: 'Updated from referral {id}: {changes}',
    1046: 'Atualizado a partir da indicação {id}: {changes}',
    3082: 'Actualizado desde la referencia {id}: {changes}',
  },
  solutions: { 1033: 'solutions', 1046: 'soluções', 3082: 'soluciones' },
  engagementTitle: {
    1033: 'Microsoft engagement',
    1046: 'Engajamento da Microsoft',
    3082: 'Colaboración de Microsoft',
  },
  engagementJoined: {
    1033: 'Microsoft joined the engagement ({status}{crm})',
    1046: 'A Microsoft entrou no engajamento ({status}{crm})',
    3082: 'Microsoft se unió a la colaboración ({status}{crm})',
  },
  engagementUpdated: {
    1033: 'Microsoft updated the engagement ({status}{crm})',
    1046: 'A Microsoft atualizou o engajamento ({status}{crm})',
    3082: 'Microsoft actualizó la colaboración ({status}{crm})',
  },
  microsoftCrmId: {
    1033: ', Microsoft CRM id {id}',
    1046: ', ID do CRM da Microsoft {id}',
    3082: ', id. de CRM de Microsoft {id}',
  },
  // Closing from Partner Center: the opportunityclose subject and sync-event titles.
  closeWon: {
    1033: 'Won in Partner Center',
    1046: 'Ganha no Partner Center',
    3082: 'Ganada en Partner Center',
  },
  closeLost: {
    1033: 'Lost in Partner Center',
    1046: 'Perdida no Partner Center',
    3082: 'Perdida en Partner Center',
  },
  closeDeclined: {
    1033: 'Declined in Partner Center',
    1046: 'Recusada no Partner Center',
    3082: 'Rechazada en Partner Center',
  },
  closeExpired: {
    1033: 'Expired in Partner Center',
    1046: 'Expirada no Partner Center',
    3082: 'Expirada en Partner Center',
  },
  closedAsWon: {
    1033: 'Referral {id} was won in Partner Center: the opportunity is closed as won.',
    1046: 'A indicação {id} foi ganha no Partner Center: a oportunidade foi fechada como ganha.',
    3082: 'La referencia {id} se ganó en Partner Center: la oportunidad se cerró como ganada.',
  },
  closedAsLost: {
    1033: 'Referral {id} is {substatus} in Partner Center: the opportunity is closed as lost.',
    1046: 'A indicação {id} está {substatus} no Partner Center: a oportunidade foi fechada como perdida.',
    3082: 'La referencia {id} está {substatus} en Partner Center: la oportunidad se cerró como perdida.',
  },
  leadDisqualified: {
    1033: 'Referral {id} is {substatus} in Partner Center: the lead is disqualified.',
    1046: 'A indicação {id} está {substatus} no Partner Center: o cliente potencial foi desqualificado.',
    3082: 'La referencia {id} está {substatus} en Partner Center: el cliente potencial se descalificó.',
  },
  keptOpen: {
    1033: 'Referral {id} is {substatus} in Partner Center; the record stays open (Close opportunity from Partner Center = No).',
    1046: 'A indicação {id} está {substatus} no Partner Center; o registro continua aberto (Fechar oportunidade a partir do Partner Center = Não).',
    3082: 'La referencia {id} está {substatus} en Partner Center; el registro sigue abierto (Cerrar oportunidad desde Partner Center = No).',
  },
  alreadyClosed: {
    1033: 'Referral {id} is {substatus} in Partner Center; the record was already closed in Dynamics 365 and is left as it is.',
    1046: 'A indicação {id} está {substatus} no Partner Center; o registro já estava fechado no Dynamics 365 e não foi alterado.',
    3082: 'La referencia {id} está {substatus} en Partner Center; el registro ya estaba cerrado en Dynamics 365 y no se modificó.',
  },
  reason: { 1033: ' Reason: {reason}', 1046: ' Motivo: {reason}', 3082: ' Motivo: {reason}' },
  substatusWon: { 1033: 'won', 1046: 'ganha', 3082: 'ganada' },
  substatusLost: { 1033: 'lost', 1046: 'perdida', 3082: 'perdida' },
  substatusDeclined: { 1033: 'declined', 1046: 'recusada', 3082: 'rechazada' },
  substatusExpired: { 1033: 'expired', 1046: 'expirada', 3082: 'expirada' },
  // Accepted in Partner Center: the lead is qualified into an opportunity.
  convertedTitle: {
    1033: 'Qualified: referral accepted in Partner Center',
    1046: 'Qualificado: indicação aceita no Partner Center',
    3082: 'Calificado: referencia aceptada en Partner Center',
  },
  convertedLead: {
    1033: 'Referral {id} was accepted in Partner Center: the lead is qualified and the referral moved to opportunity {opportunity}.',
    1046: 'A indicação {id} foi aceita no Partner Center: o cliente potencial foi qualificado e a indicação passou para a oportunidade {opportunity}.',
    3082: 'La referencia {id} se aceptó en Partner Center: el cliente potencial se calificó y la referencia pasó a la oportunidad {opportunity}.',
  },
  convertedOpportunity: {
    1033: 'Qualified from lead {lead}: referral {id} was accepted in Partner Center.',
    1046: 'Qualificada a partir do cliente potencial {lead}: a indicação {id} foi aceita no Partner Center.',
    3082: 'Calificada a partir del cliente potencial {lead}: la referencia {id} se aceptó en Partner Center.',
  },
} satisfies Record<string, Record<MessageLcid, string>>;

export type InboundText = keyof typeof TEXTS;

export const inboundText = (key: InboundText, lcid: MessageLcid, params?: Record<string, string>): string =>
  interpolate(TEXTS[key][lcid], params);
