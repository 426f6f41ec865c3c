/**
 * Solution layers, as far as an upgrade of our managed solution needs them
 * (https://learn.microsoft.com/power-platform/alm/solution-layers-alm):
 *
 * - A managed import writes the component's **managed layer**. A customizer's change to a managed
 *   component (a PATCH of a form's FormXml, say) is the **unmanaged layer**, always on top, so it is
 *   what the app shows.
 * - Importing a newer managed version keeps the unmanaged layer unless the import sets
 *   `OverwriteUnmanagedCustomizations` ("overwrite customizations": the unmanaged layer of every
 *   component in the solution is replaced,
 *   https://learn.microsoft.com/power-platform/alm/update-solutions-alm).
 * - A managed solution can only be upgraded by a managed one, and an unmanaged one only updated by an
 *   unmanaged one (the import fails otherwise).
 * - Upgrading stages the new version as a holding solution `<UniqueName>_Upgrade` (`ImportSolution`
 *   with `HoldingSolution`), and `DeleteAndPromote` then removes the old version and renames the
 *   holding solution (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/deleteandpromote).
 *
 * Simplification: Dataverse merges a form's FormXml from all layers
 * (https://learn.microsoft.com/power-platform/alm/how-managed-solutions-merged#merge-form-customizations);
 * here a customized form keeps its whole unmanaged FormXml on top, which is what the field map (a
 * control parameter the customizer changed) needs. What `DeleteAndPromote` deletes is decided in
 * ./solutionComponents.ts.
 */
import type { RecordStore } from './store';

/** formid → the FormXml of the managed layer (what the last managed import brought). */
const MANAGED_FORMS_META_KEY = 'managedFormLayers';

export const HOLDING_SUFFIX = '_Upgrade';

export interface ImportOptions {
  overwriteUnmanagedCustomizations: boolean;
  holdingSolution: boolean;
}

export const DEFAULT_IMPORT_OPTIONS: ImportOptions = {
  overwriteUnmanagedCustomizations: false,
  holdingSolution: false,
};

export class FormLayers {
  constructor(private readonly store: RecordStore) {}

  private managedLayers(): Record<string, string> {
    return this.store.getMeta<Record<string, string>>(MANAGED_FORMS_META_KEY) ?? {};
  }

  /**
   * The FormXml the form shows after an import bringing `incoming`, and the layer bookkeeping.
   * `current` is the form's FormXml before the import (null for a new form).
   */
  importForm(
    formId: string,
    incoming: string,
    current: string | null,
    managed: boolean,
    options: ImportOptions,
  ): string {
    const layers = this.managedLayers();
    if (!managed) {
      // An unmanaged import writes the unmanaged layer itself.
      delete layers[formId];
      this.store.setMeta(MANAGED_FORMS_META_KEY, layers);
      return incoming;
    }
    const previous = layers[formId];
    const customized = current !== null && previous !== undefined && current !== previous;
    layers[formId] = incoming;
    this.store.setMeta(MANAGED_FORMS_META_KEY, layers);
    return customized && !options.overwriteUnmanagedCustomizations ? current : incoming;
  }

  /** The form was deleted (a component the upgrade dropped): its layers go with it. */
  forget(formId: string): void {
    const layers = this.managedLayers();
    delete layers[formId];
    this.store.setMeta(MANAGED_FORMS_META_KEY, layers);
  }

  /** Whether the form carries an unmanaged layer over its managed one. */
  isCustomized(formId: string, current: string): boolean {
    const previous = this.managedLayers()[formId];
    return previous !== undefined && previous !== current;
  }
}
