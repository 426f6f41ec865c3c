/**
 * Typed fake of the part of the PCF context the control reads (`ControlContext`), with strings from the
 * real resx files and a scriptable Web API. Shared by the pcf unit tests (not a test file itself).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { IInputs } from '../../../PCFControls/PartnerCenterSync/inputs';
import type { ControlContext } from '../../../PCFControls/PartnerCenterSync/props';
import type { WebApiReader } from '../../../Domain/webApi';
import { REPO_ROOT } from '../../testkit/paths';

export const controlDir = path.join(REPO_ROOT, 'PCFControls/PartnerCenterSync');

/** `<data name>` → value of one resx file. */
export function readResx(lcid: number): Map<string, { value: string; comment: string }> {
  const xml = readFileSync(path.join(controlDir, 'strings', `PartnerCenterSync.${lcid}.resx`), 'utf8');
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (n) => n === 'data',
  }).parse(xml) as { root: { data: { name: string; value: string; comment: string }[] } };
  return new Map(
    parsed.root.data.map((d) => [d.name, { value: String(d.value), comment: String(d.comment) }]),
  );
}

export interface BoundValues {
  syncEnabled?: boolean;
  referralId?: string | null;
  referralLink?: string | null;
  syncStatus?: number | null;
  lastSyncedOn?: Date | null;
  microsoftCrmId?: string | null;
  referralStatus?: number | null;
  referralSubstatus?: number | null;
  audit?: string | null;
  fieldMap?: string | null;
  relayUrl?: string | null;
}

const prop = <T>(type: string, raw: T) => ({
  error: false,
  errorMessage: '',
  type,
  raw,
  formatted: undefined,
});

export function inputs(values: BoundValues): IInputs {
  return {
    syncEnabled: prop('TwoOptions', values.syncEnabled ?? false),
    referralId: prop('SingleLine.Text', values.referralId ?? null),
    referralLink: prop('SingleLine.URL', values.referralLink ?? null),
    syncStatus: prop('OptionSet', values.syncStatus ?? null),
    lastSyncedOn: prop('DateAndTime.DateAndTime', values.lastSyncedOn ?? null),
    microsoftCrmId: prop('SingleLine.Text', values.microsoftCrmId ?? null),
    referralStatus: prop('OptionSet', values.referralStatus ?? null),
    referralSubstatus: prop('OptionSet', values.referralSubstatus ?? null),
    audit: prop('Multiple', values.audit ?? null),
    fieldMap: prop('Multiple', values.fieldMap ?? null),
    relayUrl: prop('SingleLine.Text', values.relayUrl ?? null),
  };
}

/** The `$select` columns of an options string, or null when it selects none (all columns). */
const selectedColumns = (options: string | undefined): string[] | null =>
  /[?&]\$select=([^&]+)/.exec(options ?? '')?.[1]?.split(',') ?? null;

/**
 * Web API that answers from in-memory rows per table and records every call. Like the Web API, a
 * retrieve with `$select` returns those columns only (null where the row has no value) and the etag.
 */
export class FakeWebApi implements WebApiReader {
  calls: {
    op: 'retrieve' | 'retrieveMultiple';
    table: string;
    id?: string;
    options?: string;
    pageSize?: number;
  }[] = [];
  constructor(
    public records: Record<string, Record<string, ComponentFramework.WebApi.Entity>> = {},
    public pages: Record<string, ComponentFramework.WebApi.RetrieveMultipleResponse[]> = {},
  ) {}
  retrieveRecord(table: string, id: string, options?: string): Promise<ComponentFramework.WebApi.Entity> {
    this.calls.push({ op: 'retrieve', table, id, options });
    const row = this.records[table]?.[id];
    // The platform rejects with an `{ message }` error object, not an Error instance.
    if (!row) return Promise.reject({ message: `${table}(${id}) not found`, errorCode: 404 });
    const columns = selectedColumns(options);
    if (!columns) return Promise.resolve(row);
    const etag = row['@odata.etag'] === undefined ? {} : { '@odata.etag': row['@odata.etag'] };
    return Promise.resolve({ ...etag, ...Object.fromEntries(columns.map((c) => [c, row[c] ?? null])) });
  }
  retrieveMultipleRecords(
    table: string,
    options?: string,
    pageSize?: number,
  ): Promise<ComponentFramework.WebApi.RetrieveMultipleResponse> {
    this.calls.push({ op: 'retrieveMultiple', table, options, pageSize });
    const pages = this.pages[table] ?? [{ entities: [], nextLink: undefined as unknown as string }];
    const index = options?.includes('$skiptoken') ? Number(/page=(\d+)/.exec(options)?.[1] ?? 1) : 0;
    return Promise.resolve(pages[index] ?? { entities: [], nextLink: undefined as unknown as string });
  }
}

export interface FakeContextOptions {
  lcid?: number;
  disabled?: boolean;
  entityTypeName?: string | null;
  entityId?: string | null;
  webAPI?: WebApiReader;
  updatedProperties?: string[];
  /** `context.page` of a model-driven form (absent in the pcf-start harness). */
  page?: ControlContext['page'];
}

export const OPPORTUNITY_ID = '7d0ae5a2-1c3b-4f6e-9d8a-0b1c2d3e4f50';

export function fakeContext(values: BoundValues, options: FakeContextOptions = {}): ControlContext {
  const strings = readResx(options.lcid ?? 1033);
  return {
    parameters: inputs(values),
    mode: {
      isControlDisabled: options.disabled ?? false,
      contextInfo: {
        entityTypeName: options.entityTypeName === undefined ? 'opportunity' : options.entityTypeName,
        entityId: options.entityId === undefined ? `{${OPPORTUNITY_ID.toUpperCase()}}` : options.entityId,
      },
    },
    userSettings: { languageId: options.lcid ?? 1033, userId: '{11111111-2222-3333-4444-555555555555}' },
    // Like the platform: a missing key comes back as the key itself.
    resources: { getString: (id) => strings.get(id)?.value ?? id },
    webAPI: options.webAPI ?? new FakeWebApi(),
    updatedProperties: options.updatedProperties ?? [],
    ...(options.page ? { page: options.page } : {}),
  };
}
