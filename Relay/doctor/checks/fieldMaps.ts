/** The field map in the opportunity forms is valid and the same on every form (docs/field-map.md). */
import { loadFieldMap } from '../../sync/fieldMapSource';
import { createSettings } from '../../sync/settings';
import type { DoctorCheck } from '../check';
import { fail, pass } from '../check';

export const fieldMaps: DoctorCheck = {
  id: 'field-maps',
  title: 'Field maps consistent across forms',
  async run({ dataverse, clock }) {
    const state = await loadFieldMap(dataverse, createSettings(dataverse, clock));
    if (state.ok) return pass(`the field map comes from the ${state.source}`);
    return fail(
      state.errors.join('; '),
      `fix the fieldMap property of the Partner Center sync control on ${(state.formsToFix ?? state.forms).map((f) => `"${f}"`).join(', ')} and publish`,
    );
  },
};
