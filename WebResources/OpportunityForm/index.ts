/**
 * Entry of the form library `PartnerCoSell.OpportunityForm` (esbuild IIFE, Build/webresources.ts).
 * The exported names are the handlers registered in FormXml (`FormHandlers` in Domain/constants.ts),
 * each called with the execution context (passExecutionContext="true"). They only adapt the platform
 * to handlers.ts.
 */
import type { WebApiReader } from '../../Domain/webApi';
import {
  handleHelpNeededChange,
  handleLoad,
  handleSave,
  handleSyncChange,
  type FormServices,
} from './handlers';
import { supportedLcid } from './strings';

// Xrm.WebApi answers with Xrm.Async.PromiseLike (its own thenable type); bridge it to real promises.
const xrmReader: WebApiReader = {
  retrieveRecord: (table, id, options) =>
    new Promise((resolve, reject) => Xrm.WebApi.retrieveRecord(table, id, options).then(resolve, reject)),
  retrieveMultipleRecords: (table, options, maxPageSize) =>
    new Promise((resolve, reject) =>
      Xrm.WebApi.retrieveMultipleRecords(table, options, maxPageSize).then(resolve, reject),
    ),
};

function services(): FormServices {
  return {
    reader: xrmReader,
    lcid: supportedLcid(Xrm.Utility.getGlobalContext().userSettings.languageId),
  };
}

export function onLoad(context: Xrm.Events.EventContext): void {
  handleLoad(context.getFormContext(), services());
}

export function onSave(context: Xrm.Events.SaveEventContext): Promise<void> | undefined {
  return handleSave(context.getFormContext(), context.getEventArgs(), services());
}

export function onSyncChange(context: Xrm.Events.EventContext): Promise<void> {
  return handleSyncChange(context.getFormContext(), services()).then(() => undefined);
}

export function onHelpNeededChange(context: Xrm.Events.EventContext): void {
  handleHelpNeededChange(context.getFormContext());
}
