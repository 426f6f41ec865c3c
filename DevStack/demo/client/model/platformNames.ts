/**
 * Platform metadata names the demo host reads because it stands in for Dynamics 365 itself
 * (systemform FormXml, web resource content, user names). They belong to the platform, not to our
 * solution, so they live here rather than in Domain/constants.ts; everything we ship comes from there.
 */
export const SystemFormColumns = {
  id: 'formid',
  formXml: 'formxml',
  name: 'name',
  table: 'objecttypecode',
  type: 'type',
  /** `type` of main forms. */
  mainType: 2,
} as const;

export const SystemFormsSet = 'systemforms';

export const WebResourceColumns = { name: 'name', content: 'content' } as const;

export const SystemUserNameColumn = 'fullname';
