/**
 * The ComponentFramework context the demo hands the real PCF bundle: bound property values read from
 * the form's attributes (with the column metadata a control sees in `attributes`), static values from
 * the FormXml `controlDescriptions`, resx strings, mode, user settings, and a webAPI over the same
 * Dataverse Web API. `columnWrites` turns `getOutputs()` back into attribute values, which the form
 * then writes and fires OnChange for — the platform's notifyOutputChanged round trip.
 */
import type { FormCustomControl } from '../../../../Domain/formXmlControls';
import type { ControlManifestModel, ManifestProperty } from '../model/manifest';
import { optionText, type AttributeMeta, type XrmValue } from '../model/metadata';
import type { Dialogs, UserInfo } from './xrm';
import type { DataverseWebApi } from './webApi';

/** The slice of the form runtime a control host needs (FormRuntime satisfies it). */
export interface BoundValues {
  value(column: string): XrmValue;
  meta(column: string): AttributeMeta | undefined;
  requiredLevel(column: string): string;
  readonly lcid: number;
  readonly recordId: string | null;
  readonly entityName: string;
}

export interface PcfContextInputs {
  manifest: ControlManifestModel;
  customControl: FormCustomControl;
  form: BoundValues;
  disabled: boolean;
  visible: boolean;
  label: string;
  strings: Record<string, string>;
  user: UserInfo;
  webApi: DataverseWebApi;
  dialogs: Dialogs;
  clientUrl: string;
  updatedProperties: string[];
  requestRender: () => void;
  width?: number;
}

const REQUIRED_LEVEL: Record<string, number> = { none: 0, required: 2, recommended: 3 };

/** The column a bound property is bound to, or undefined for static / unconfigured properties. */
export function boundColumn(customControl: FormCustomControl, property: string): string | undefined {
  const parameter = customControl.parameters[property];
  return parameter && !parameter.static && parameter.value ? parameter.value : undefined;
}

/** A static value as the declared type: numbers for numeric types, booleans for TwoOptions. */
function staticRaw(ofType: string, value: string): unknown {
  if (ofType === 'TwoOptions') return value === 'true' || value === '1';
  if (/^(Whole|Decimal|FP|Currency)/.test(ofType)) return value === '' ? null : Number(value);
  return value;
}

/** An attribute value as PCF hands it to controls (`raw`): TwoOptions are never null. */
function boundRaw(ofType: string, value: XrmValue): unknown {
  if (ofType === 'TwoOptions') return value === true;
  if (ofType.startsWith('DateAndTime')) return value instanceof Date ? value : null;
  return value ?? null;
}

function formatted(ofType: string, value: unknown, meta: AttributeMeta | undefined, lcid: number): string {
  if (value === null || value === undefined) return '';
  if (meta && (ofType === 'OptionSet' || ofType === 'TwoOptions')) {
    const optionValue = ofType === 'TwoOptions' ? (value === true ? 1 : 0) : Number(value);
    return optionText(meta, optionValue, lcid) ?? String(value);
  }
  if (value instanceof Date) return value.toLocaleString(lcidTag(lcid));
  if (Array.isArray(value)) return value.map((item) => (item as { name?: string }).name ?? '').join(', ');
  return String(value);
}

export const lcidTag = (lcid: number): string => ({ 1046: 'pt-BR', 3082: 'es-ES' })[lcid] ?? 'en-US';

function attributesOf(meta: AttributeMeta | undefined, lcid: number, requiredLevel: string) {
  if (!meta) return undefined;
  return {
    LogicalName: meta.logicalName,
    DisplayName: meta.displayName[lcid] ?? meta.displayName[1033] ?? meta.logicalName,
    RequiredLevel: REQUIRED_LEVEL[requiredLevel] ?? 0,
    Format: meta.format,
    Targets: meta.targets,
    Options: meta.options.map((option) => ({
      Value: option.value,
      Label: optionText(meta, option.value, lcid) ?? '',
    })),
    MaxLength: meta.maxLength,
  };
}

function parameterOf(property: ManifestProperty, inputs: PcfContextInputs) {
  const column = boundColumn(inputs.customControl, property.name);
  const parameter = inputs.customControl.parameters[property.name];
  if (!column) {
    const raw = parameter ? staticRaw(property.ofType, parameter.value) : null;
    return {
      raw,
      formatted: raw === null ? '' : String(raw),
      type: property.ofType,
      error: false,
      errorMessage: '',
    };
  }
  const meta = inputs.form.meta(column);
  const raw = boundRaw(property.ofType, inputs.form.value(column));
  return {
    raw,
    formatted: formatted(property.ofType, raw, meta, inputs.form.lcid),
    type: property.ofType,
    error: false,
    errorMessage: '',
    attributes: attributesOf(meta, inputs.form.lcid, inputs.form.requiredLevel(column)),
    security: { editable: true, readable: true, secured: false },
  };
}

export function buildPcfContext(
  inputs: PcfContextInputs,
): ComponentFramework.Context<Record<string, unknown>> {
  const { form, user, webApi, dialogs } = inputs;
  const parameters: Record<string, unknown> = {};
  for (const property of inputs.manifest.properties)
    parameters[property.name] = parameterOf(property, inputs);
  const entityId = form.recordId ?? '';
  const tag = lcidTag(user.lcid);
  const context = {
    parameters,
    updatedProperties: inputs.updatedProperties,
    mode: {
      isControlDisabled: inputs.disabled,
      isVisible: inputs.visible,
      label: inputs.label,
      allocatedWidth: inputs.width ?? -1,
      allocatedHeight: -1,
      contextInfo: {
        entityId,
        entityTypeName: form.entityName,
        entityRecordName: String(form.value('name') ?? ''),
      },
      setControlState: () => true,
      setFullScreen: () => undefined,
      trackContainerResize: () => undefined,
    },
    // Undocumented but widely read by controls for the hosting record (same values as contextInfo).
    page: { entityId, entityTypeName: form.entityName, getClientUrl: () => inputs.clientUrl },
    userSettings: {
      languageId: user.lcid,
      userId: `{${user.userId.replace(/[{}]/g, '').toUpperCase()}}`,
      userName: user.userName,
      isRTL: false,
      securityRoles: [],
      numberFormattingInfo: {},
      dateFormattingInfo: {},
      getTimeZoneOffsetMinutes: () => -new Date().getTimezoneOffset(),
    },
    resources: {
      getString: (id: string) => inputs.strings[id] ?? id,
      getResource: (_id: string, _success: (data: string) => void, failure: () => void) => failure(),
    },
    webAPI: {
      retrieveRecord: (table: string, id: string, options?: string) =>
        webApi.retrieveRecord(table, id, options),
      retrieveMultipleRecords: (table: string, options?: string, maxPageSize?: number) =>
        webApi.retrieveMultipleRecords(table, options, maxPageSize),
      createRecord: (table: string, data: Record<string, unknown>) => webApi.createRecord(table, data),
      updateRecord: (table: string, id: string, data: Record<string, unknown>) =>
        webApi.updateRecord(table, id, data),
      deleteRecord: (table: string, id: string) => webApi.deleteRecord(table, id),
    },
    navigation: {
      openUrl: (url: string) => dialogs.openUrl(url),
      openAlertDialog: async (alert: { text: string }) => {
        await dialogs.alert(alert.text);
      },
      openErrorDialog: async (error: { message?: string }) => {
        await dialogs.alert(error.message ?? '');
      },
      openConfirmDialog: async (confirm: { text: string }) => ({
        confirmed: await dialogs.confirm(confirm.text),
      }),
      openForm: async () => ({ savedEntityReference: [] }),
      openWebResource: () => undefined,
    },
    formatting: {
      formatDateShort: (value: Date) => value.toLocaleDateString(tag),
      formatDateLong: (value: Date) => value.toLocaleDateString(tag, { dateStyle: 'long' }),
      formatTime: (value: Date) => value.toLocaleTimeString(tag),
      formatDateAsFilterStringInUTC: (value: Date) => value.toISOString(),
      formatCurrency: (value: number, precision?: number, symbol?: string) =>
        `${symbol ?? ''}${value.toLocaleString(tag, { minimumFractionDigits: precision ?? 2, maximumFractionDigits: precision ?? 2 })}`,
      formatDecimal: (value: number, precision?: number) =>
        value.toLocaleString(tag, { maximumFractionDigits: precision ?? 2 }),
      formatInteger: (value: number) => value.toLocaleString(tag, { maximumFractionDigits: 0 }),
      formatUserDateTimeToUTC: (value: Date) => value.toISOString(),
      getWeekOfYear: () => 0,
    },
    client: {
      getClient: () => 'Web',
      getFormFactor: () => 1,
      isOffline: () => false,
      isNetworkAvailable: () => true,
      disableScroll: false,
    },
    device: {},
    factory: { requestRender: () => inputs.requestRender(), getPopupService: () => ({}) },
    utils: {
      getEntityMetadata: async () => ({}),
      hasEntityPrivilege: () => true,
      lookupObjects: async () => [],
    },
  };
  return context as unknown as ComponentFramework.Context<Record<string, unknown>>;
}

/** getOutputs() → column values for the bound properties (static / unknown properties ignored). */
export function columnWrites(
  manifest: ControlManifestModel,
  customControl: FormCustomControl,
  outputs: Record<string, unknown>,
): Record<string, XrmValue> {
  const writes: Record<string, XrmValue> = {};
  for (const [property, value] of Object.entries(outputs)) {
    const declared = manifest.properties.find((candidate) => candidate.name === property);
    const column = boundColumn(customControl, property);
    if (!declared || declared.usage === 'input' || !column || value === undefined) continue;
    writes[column] = value as XrmValue;
  }
  return writes;
}
