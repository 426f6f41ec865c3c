/** Small renderers shared by every component: localized label lists, GUID braces, versions. */
import { LANGUAGES } from '../../../Domain/constants';
import { el, type XmlNode } from '../xml';
import type { Labels } from '../model/labels';

/** Components keep the version they were introduced in; the solution version moves on its own. */
export const INTRODUCED_VERSION = '1.0.0.0';

/** `<displaynames><displayname description=".." languagecode="1033"/>…</displaynames>` */
export const labelList = (container: string, item: string, labels: Labels): XmlNode =>
  el(
    container,
    LANGUAGES.map((lcid) => el(item, { description: labels[lcid], languagecode: lcid })),
  );

export const displaynames = (l: Labels) => labelList('displaynames', 'displayname', l);
export const descriptions = (l: Labels) => labelList('Descriptions', 'Description', l);
export const labels = (l: Labels) => labelList('labels', 'label', l);
export const localizedNames = (l: Labels) => labelList('LocalizedNames', 'LocalizedName', l);

/** `{lower-case-guid}` as exports write ids. */
export const braced = (id: string): string => `{${id.toLowerCase()}}`;
