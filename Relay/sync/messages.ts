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
} satisfies Record<string, Record<MessageLcid, string>>;

export type InboundText = keyof typeof TEXTS;

export const inboundText = (key: InboundText, lcid: MessageLcid, params?: Record<string, string>): string =>
  interpolate(TEXTS[key][lcid], params);
