/** Every display name and description ships in English, Brazilian Portuguese and Spanish. */
import { LANGUAGES, type Lcid } from '../../../Domain/constants';

export type Labels = Record<Lcid, string>;

export const label = (en: string, pt: string, es: string): Labels => ({ 1033: en, 1046: pt, 3082: es });

/** The same text in every language (codes, product names). */
export const same = (text: string): Labels => label(text, text, text);

export const languages = (): readonly Lcid[] => LANGUAGES;
