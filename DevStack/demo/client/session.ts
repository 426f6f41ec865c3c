/**
 * Opening a record on its form, as the platform does: FormXml, metadata and record in parallel, the
 * form's script libraries loaded, the runtime built with the bound columns of custom controls, the
 * global `Xrm` pointed at it, then OnLoad.
 */
import { PcfControl } from '../../../Domain/constants';
import { allControls, customControlFor } from './model/formXml';
import { loadScript, resolveGlobalFunction } from './platform/browserLoaders';
import { FormRuntime } from './platform/formRuntime';
import { loadAttributeMetadata, loadForm, loadRecord, type LoadedForm } from './platform/loaders';
import type { DataverseWebApi } from './platform/webApi';
import type { GlobalContext } from './platform/xrm';

export interface FormSession {
  form: LoadedForm;
  runtime: FormRuntime;
}

export async function openForm(
  webApi: DataverseWebApi,
  globalContext: GlobalContext,
  table: string,
  id: string,
  formId: string,
  lcid: number,
): Promise<FormSession> {
  const [form, metadata, record] = await Promise.all([
    loadForm(webApi, table, formId),
    loadAttributeMetadata(webApi, table),
    loadRecord(webApi, table, id),
  ]);
  // Libraries load in FormXml order, before any handler runs (the platform guarantees this).
  for (const library of form.model.libraries) {
    await loadScript(`/WebResources/${library}`).catch(() => undefined);
  }
  // Columns bound to custom-control properties are part of the form's data even without a field.
  const boundColumns = allControls(form.model).flatMap((control) => {
    const custom = customControlFor(form.model, control, PcfControl.fullName);
    return custom
      ? Object.values(custom.parameters)
          .filter((p) => !p.static && p.value)
          .map((p) => p.value)
      : [];
  });
  const runtime = new FormRuntime({
    entityName: table,
    recordId: id,
    model: form.model,
    metadata,
    record,
    extraColumns: boundColumns,
    lcid,
    webApi,
    globalContext,
    resolveFunction: resolveGlobalFunction,
  });
  return { form, runtime };
}
