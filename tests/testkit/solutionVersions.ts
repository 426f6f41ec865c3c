/**
 * Other versions of our managed solution, packed from the same Solution/ source as `npm run build`
 * (Build/solution/packer.ts) with a few columns changed: what a later release of the product would
 * ship. Needs the built control and web resources (`npm run build`).
 */
import { REPO_ROOT } from '../../Build/solution/generate';
import { defaultInputPaths, readInputs } from '../../Build/solution/inputs';
import { assembleParts, zipParts } from '../../Build/solution/packer';

export interface SolutionEdit {
  version: string;
  /** Entity folder under Solution/Entities (e.g. `Opportunity`). */
  entity?: string;
  /** Columns of that entity the version no longer has. */
  dropColumns?: string[];
  /** Columns it adds: a copy of `copyOf` under a new logical name. */
  addColumns?: Array<{ logicalName: string; copyOf: string }>;
  /** Columns whose `<MaxLength>` it changes. */
  maxLengths?: Record<string, number>;
}

const ATTRIBUTE = (name: string) =>
  new RegExp(`\\s*<attribute PhysicalName="${name}">[\\s\\S]*?</attribute>`);

/** The managed zip of `edit.version`. */
export async function managedSolutionVersion(edit: SolutionEdit): Promise<Buffer> {
  const inputs = readInputs(defaultInputPaths(REPO_ROOT));
  const solutionXml = inputs.source.get('Other/Solution.xml')!;
  inputs.source.set(
    'Other/Solution.xml',
    solutionXml.replace(/<Version>[^<]*<\/Version>/, `<Version>${edit.version}</Version>`),
  );
  if (edit.entity) {
    const path = `Entities/${edit.entity}/Entity.xml`;
    let xml = inputs.source.get(path)!;
    for (const name of edit.dropColumns ?? []) {
      if (!ATTRIBUTE(name).test(xml)) throw new Error(`${path} has no column ${name}`);
      xml = xml.replace(ATTRIBUTE(name), '');
    }
    for (const { logicalName, copyOf } of edit.addColumns ?? []) {
      const original = ATTRIBUTE(copyOf).exec(xml)?.[0];
      if (!original) throw new Error(`${path} has no column ${copyOf}`);
      const copy = original.split(copyOf).join(logicalName);
      xml = xml.replace('</attributes>', `${copy}\n      </attributes>`);
    }
    for (const [name, maxLength] of Object.entries(edit.maxLengths ?? {})) {
      const original = ATTRIBUTE(name).exec(xml)?.[0];
      if (!original?.includes('<MaxLength>')) throw new Error(`${path} has no text column ${name}`);
      xml = xml.replace(
        original,
        original.replace(/<MaxLength>\d+<\/MaxLength>/, `<MaxLength>${maxLength}</MaxLength>`),
      );
    }
    inputs.source.set(path, xml);
  }
  return zipParts(assembleParts(inputs, 1));
}
