/**
 * Context → the one props object of the view. Pure: everything the platform gives is read here and
 * nowhere else, services and callbacks come in through `ControlServices`.
 */
import { OpportunityColumns } from '../../Domain/constants';
import type { FieldMapResult } from '../../Domain/fieldMap';
import type { RelayClient } from '../../Domain/relayApi';
import { bareRecordId, type WebApiReader } from '../../Domain/webApi';
import type { PartnerCenterSyncProps } from './components/types';
import type { OpportunityData } from './data';
import type { IInputs } from './inputs';
import type { Translate } from './strings';
import { localeOf, referralView, statusView, toggleView } from './viewModel';

/**
 * `mode.contextInfo` is not in @types/powerapps-component-framework, yet model-driven forms set it
 * (entity name and id of the form's record); it is the documented-by-practice way to get the record id.
 */
export interface ContextInfo {
  entityTypeName?: string | null;
  entityId?: string | null;
}

/**
 * `context.page` is not in @types/powerapps-component-framework either; model-driven apps provide it
 * with `getClientUrl()` (the org URL, where web resources are served). Hosts such as the pcf-start
 * harness leave it out.
 */
export interface PageInfo {
  getClientUrl?(): string;
}

/** The part of `ComponentFramework.Context<IInputs>` the control reads. */
export interface ControlContext {
  parameters: IInputs;
  page?: PageInfo;
  mode: Pick<ComponentFramework.Mode, 'isControlDisabled'> & { contextInfo?: ContextInfo };
  userSettings: Pick<ComponentFramework.UserSettings, 'languageId' | 'userId'>;
  resources: Pick<ComponentFramework.Resources, 'getString'>;
  webAPI: WebApiReader;
  updatedProperties: string[];
}

export interface ControlServices {
  /** One for the control's life, so sections whose inputs did not change skip re-rendering. */
  t: Translate;
  fieldMap: FieldMapResult;
  data: OpportunityData;
  relay: RelayClient;
  now: () => Date;
  copyText: (text: string) => Promise<void>;
  onToggle: (checked: boolean) => void;
  /** The seller's switch, not yet picked up by getOutputs. */
  pendingSyncEnabled: boolean | undefined;
}

const textOf = (property: ComponentFramework.PropertyTypes.StringProperty): string | null =>
  property.raw?.trim() ? property.raw : null;

/** Bare GUID of the form's record, or null (create form, harness, or an id we cannot read). */
export function recordIdOf(info: ContextInfo | undefined): string | null {
  if (!info?.entityId) return null;
  try {
    return bareRecordId(info.entityId);
  } catch {
    return null;
  }
}

/** The org URL from `context.page`, or undefined when the host has none (the page origin is used then). */
export function clientUrlOf(page: PageInfo | undefined): string | undefined {
  try {
    return page?.getClientUrl?.() || undefined;
  } catch {
    return undefined;
  }
}

export function buildProps(context: ControlContext, services: ControlServices): PartnerCenterSyncProps {
  const p = context.parameters;
  const lcid = context.userSettings.languageId;
  const locale = localeOf(lcid);
  const syncEnabled = services.pendingSyncEnabled ?? p.syncEnabled.raw === true;
  const syncStatus = p.syncStatus.raw ?? null;
  const lastSyncedOn = p.lastSyncedOn.raw ?? null;
  const audit = textOf(p.audit);
  const info = context.mode.contextInfo;
  const now = services.now();

  return {
    t: services.t,
    lcid,
    locale,
    now,
    recordId: recordIdOf(info),
    toggle: toggleView({
      syncEnabled,
      isControlDisabled: context.mode.isControlDisabled,
      entityTypeName: info?.entityTypeName ?? null,
      entityId: info?.entityId ?? null,
    }),
    status: statusView({ syncStatus, syncEnabled, lastSyncedOn, audit }, now, locale),
    referral: referralView({
      referralId: textOf(p.referralId),
      referralLink: textOf(p.referralLink),
      referralStatus: p.referralStatus.raw ?? null,
      referralSubstatus: p.referralSubstatus.raw ?? null,
      microsoftCrmId: textOf(p.microsoftCrmId),
    }),
    fieldMap: services.fieldMap,
    overlay: { [OpportunityColumns.syncWithPartnerCenter]: syncEnabled },
    revision: [syncStatus, lastSyncedOn?.getTime() ?? '', audit ?? ''].join('|'),
    data: services.data,
    relay: services.relay,
    copyText: services.copyText,
    onToggle: services.onToggle,
  };
}
