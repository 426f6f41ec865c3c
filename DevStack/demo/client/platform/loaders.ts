/**
 * What the platform fetches before it can show a form: the systemform's FormXml, the table's
 * attribute metadata (EntityDefinitions, with the option sets and targets that need typed casts in
 * the real Web API), and the record itself. All through the Web API client, so the demo works the
 * same against the simulator or a real org.
 */
import { LeadColumns, OpportunityColumns as O, Tables } from '../../../../Domain/constants';
import type { DataverseRecord } from '../../../../Domain/opportunity';
import { parseFormXml, type FormModel } from '../model/formXml';
import { parseAttributeMetadata, type AttributeMeta } from '../model/metadata';
import { SystemFormColumns as F, SystemFormsSet } from '../model/platformNames';
import type { DataverseWebApi } from './webApi';

type Json = Record<string, unknown>;

export interface LoadedForm {
  formId: string;
  formXml: string;
  model: FormModel;
}

/** Our form by id, else the first main form (type 2) of the table. */
export async function loadForm(
  webApi: DataverseWebApi,
  table: string,
  preferredId: string,
): Promise<LoadedForm> {
  try {
    return toLoaded(
      await webApi.getJson(`${SystemFormsSet}(${preferredId})?$select=${F.id},${F.formXml},${F.name}`),
    );
  } catch {
    const forms = await webApi.getJson<{ value: Json[] }>(
      `${SystemFormsSet}?$select=${F.id},${F.formXml},${F.name}&$filter=${F.table} eq '${table}' and ${F.type} eq ${F.mainType}`,
    );
    const form = forms.value[0];
    if (!form) throw new Error(`No main form for ${table}`);
    return toLoaded(form);
  }
}

function toLoaded(form: Json): LoadedForm {
  const formXml = String(form[F.formXml] ?? '');
  return { formId: String(form[F.id]), formXml, model: parseFormXml(formXml) };
}

/** Typed casts whose extra properties (options, targets, formats) the base listing lacks. */
const CASTS: [string, string][] = [
  ['PicklistAttributeMetadata', '$select=LogicalName&$expand=OptionSet,GlobalOptionSet'],
  ['StatusAttributeMetadata', '$select=LogicalName&$expand=OptionSet'],
  ['StateAttributeMetadata', '$select=LogicalName&$expand=OptionSet'],
  ['BooleanAttributeMetadata', '$select=LogicalName&$expand=OptionSet'],
  ['MultiSelectPicklistAttributeMetadata', '$select=LogicalName&$expand=OptionSet,GlobalOptionSet'],
  ['LookupAttributeMetadata', '$select=LogicalName,Targets'],
  ['DateTimeAttributeMetadata', '$select=LogicalName,Format,DateTimeBehavior'],
  ['StringAttributeMetadata', '$select=LogicalName,FormatName,MaxLength'],
];

export async function loadAttributeMetadata(
  webApi: DataverseWebApi,
  table: string,
): Promise<AttributeMeta[]> {
  const base = `EntityDefinitions(LogicalName='${table}')/Attributes`;
  const listing = await webApi.getJson<{ value: Json[] }>(base);
  const byName = new Map(listing.value.map((attribute) => [String(attribute.LogicalName), { ...attribute }]));
  await Promise.all(
    CASTS.map(async ([cast, query]) => {
      try {
        const typed = await webApi.getJson<{ value: Json[] }>(
          `${base}/Microsoft.Dynamics.CRM.${cast}?${query}`,
        );
        for (const extra of typed.value) {
          const target = byName.get(String(extra.LogicalName));
          if (target) Object.assign(target, extra);
        }
      } catch {
        // A simulator (or older org) without this cast: the base listing is all we get.
      }
    }),
  );
  return [...byName.values()].map(parseAttributeMetadata);
}

export function loadRecord(webApi: DataverseWebApi, table: string, id: string): Promise<DataverseRecord> {
  return webApi.retrieveRecord(table, id);
}

/** The opportunity list: newest first, with what the list shows. */
export async function listOpportunities(webApi: DataverseWebApi): Promise<DataverseRecord[]> {
  return (
    await webApi.retrieveMultipleRecords(
      Tables.opportunity,
      `?$select=${[O.name, O.estimatedValue, O.syncWithPartnerCenter, O.syncStatus, O.referralId, O.modifiedOn]}` +
        `&$orderby=${O.modifiedOn} desc`,
    )
  ).entities;
}

export async function listLeads(webApi: DataverseWebApi): Promise<DataverseRecord[]> {
  return (
    await webApi.retrieveMultipleRecords(
      Tables.lead,
      `?$select=${[LeadColumns.subject, LeadColumns.companyName, LeadColumns.referralId, LeadColumns.syncStatus]}` +
        `&$orderby=${O.modifiedOn} desc`,
    )
  ).entities;
}
