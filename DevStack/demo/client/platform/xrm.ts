/**
 * The global `Xrm` the form scripts see: WebApi over the same Dataverse Web API client, the global
 * context (user language and id, client URL), navigation dialogs and the deprecated `Xrm.Page`
 * (the current form), which older libraries and some helpers still read.
 */
import type { DataverseWebApi } from './webApi';

export interface UserInfo {
  lcid: number;
  userId: string;
  userName: string;
}

export interface Dialogs {
  alert(text: string): Promise<void>;
  confirm(text: string): Promise<boolean>;
  openUrl(url: string): void;
}

export function createGlobalContext(user: UserInfo, clientUrl: string) {
  const userSettings = {
    languageId: user.lcid,
    userId: `{${user.userId.replace(/[{}]/g, '').toUpperCase()}}`,
    userName: user.userName,
    roles: { get: () => [] },
    securityRoles: [],
    isRTL: false,
  };
  return {
    userSettings,
    organizationSettings: { languageId: 1033, uniqueName: 'sandbox', organizationId: '' },
    getClientUrl: () => clientUrl,
    getVersion: () => '9.2.0.0',
    getUserLcid: () => user.lcid,
    getUserId: () => userSettings.userId,
    getUserName: () => user.userName,
    getCurrentAppUrl: () => clientUrl,
  };
}

export type GlobalContext = ReturnType<typeof createGlobalContext>;

export function createXrm(
  webApi: DataverseWebApi,
  globalContext: GlobalContext,
  currentForm: () => Xrm.FormContext | undefined,
  dialogs: Dialogs,
) {
  const api = {
    retrieveRecord: (table: string, id: string, options?: string) =>
      webApi.retrieveRecord(table, id, options),
    retrieveMultipleRecords: (table: string, options?: string, maxPageSize?: number) =>
      webApi.retrieveMultipleRecords(table, options, maxPageSize),
    createRecord: (table: string, data: Record<string, unknown>) => webApi.createRecord(table, data),
    updateRecord: (table: string, id: string, data: Record<string, unknown>) =>
      webApi.updateRecord(table, id, data),
    deleteRecord: (table: string, id: string) => webApi.deleteRecord(table, id),
    isAvailableOffline: () => false,
  };
  return {
    WebApi: { ...api, online: api },
    Utility: {
      getGlobalContext: () => globalContext,
      showProgressIndicator: () => undefined,
      closeProgressIndicator: () => undefined,
      alertDialog: (text: string, done?: () => void) => void dialogs.alert(text).then(done),
    },
    Navigation: {
      openAlertDialog: async (alert: { text: string }) => {
        await dialogs.alert(alert.text);
        return {};
      },
      openErrorDialog: async (error: { message?: string; details?: string }) => {
        await dialogs.alert([error.message, error.details].filter(Boolean).join('\n'));
        return {};
      },
      openConfirmDialog: async (confirm: { text: string }) => ({
        confirmed: await dialogs.confirm(confirm.text),
      }),
      openUrl: (url: string) => dialogs.openUrl(url),
      openForm: async () => ({ savedEntityReference: [] }),
    },
    get Page() {
      const form = currentForm();
      return form ? { ...form, context: globalContext } : { context: globalContext };
    },
  };
}
