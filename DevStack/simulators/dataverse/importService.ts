/**
 * Applies a parsed solution to the simulator: schema (tables, columns, relationships with their
 * navigation names), forms → systemform rows, environment variables → definition/value rows,
 * service endpoints and steps, the solution row, and sdkmessagefilters for new tables.
 * Validation happens first, so a rejected zip changes nothing.
 */
import type { Clock } from '../../../Relay/ports';
import { DataverseError, ErrorCodes } from './errors';
import { stableGuid } from './ids';
import type { MetadataStore } from './metadata';
import type { Security } from './security';
import { ensureMessageFilters, ROOT_BUSINESS_UNIT_ID } from './seed';
import { componentsOf, SolutionComponentRegistry } from './solutionComponents';
import { parseSolutionZip, SolutionImportError, validateSolution } from './solutionImport';
import type { ParsedSolution } from './solutionImport';
import { DEFAULT_IMPORT_OPTIONS, FormLayers, HOLDING_SUFFIX } from './solutionLayers';
import type { ImportOptions } from './solutionLayers';
import type { RecordStore, Row } from './store';

export const SCHEMA_META_KEY = 'schema';

export interface ImportSummary {
  uniqueName: string;
  version: string;
  tables: string[];
  columns: number;
  forms: number;
  environmentVariables: number;
}

export class ImportService {
  private readonly formLayers: FormLayers;
  private readonly components: SolutionComponentRegistry;

  constructor(
    private readonly deps: { store: RecordStore; metadata: MetadataStore; clock: Clock; security: Security },
  ) {
    this.formLayers = new FormLayers(deps.store);
    this.components = new SolutionComponentRegistry({ ...deps, formLayers: this.formLayers });
  }

  private installedSolution(uniqueName: string): Row | undefined {
    return this.deps.store.get('solution', stableGuid('solution', uniqueName));
  }

  /** The import is refused before anything changes (solutionLayers.ts has the rules and sources). */
  private checkAgainstInstalled(parsed: ParsedSolution, options: ImportOptions): void {
    const installed = this.installedSolution(parsed.uniqueName);
    const kind = (managed: boolean) => (managed ? 'managed' : 'unmanaged');
    if (installed && Boolean(installed.ismanaged) !== parsed.managed)
      throw new DataverseError(
        400,
        ErrorCodes.importFailed,
        `The solution ${parsed.uniqueName} is already installed as a ${kind(Boolean(installed.ismanaged))} solution; ` +
          `a ${kind(parsed.managed)} package cannot update it.`,
      );
    if (!options.holdingSolution) return;
    if (!parsed.managed || !installed)
      throw new DataverseError(
        400,
        ErrorCodes.importFailed,
        `HoldingSolution needs a managed package of a managed solution that is installed; ${parsed.uniqueName} is not.`,
      );
    if (this.installedSolution(parsed.uniqueName + HOLDING_SUFFIX))
      throw new DataverseError(
        400,
        ErrorCodes.importFailed,
        `An upgrade of ${parsed.uniqueName} is already staged (${parsed.uniqueName}${HOLDING_SUFFIX}): apply it with DeleteAndPromote first.`,
      );
  }

  /**
   * DeleteAndPromote: the holding solution replaces the installed version, and what only the old
   * version held is deleted (./solutionComponents.ts). Returns the solution id.
   */
  deleteAndPromote(uniqueName: string): string {
    const { store } = this.deps;
    const holdingId = stableGuid('solution', uniqueName + HOLDING_SUFFIX);
    const holding = store.get('solution', holdingId);
    if (!holding)
      throw new DataverseError(
        400,
        ErrorCodes.importFailed,
        `No holding solution ${uniqueName}${HOLDING_SUFFIX} to promote: import the new version with HoldingSolution first.`,
      );
    store.delete('solution', holdingId);
    this.components.promote(uniqueName, uniqueName + HOLDING_SUFFIX);
    store.setMeta(SCHEMA_META_KEY, this.deps.metadata.snapshot());
    const solutionId = stableGuid('solution', uniqueName);
    const now = this.deps.clock.now().toISOString();
    store.put('solution', solutionId, {
      ...store.get('solution', solutionId),
      solutionid: solutionId,
      uniquename: uniqueName,
      friendlyname: holding.friendlyname,
      version: holding.version,
      ismanaged: true,
      modifiedon: now,
      versionnumber: store.nextVersion(),
    });
    return solutionId;
  }

  async parse(bytes: Uint8Array): Promise<ParsedSolution> {
    try {
      const parsed = await parseSolutionZip(bytes);
      validateSolution(parsed, this.deps.metadata);
      return parsed;
    } catch (error) {
      if (error instanceof SolutionImportError)
        throw new DataverseError(400, ErrorCodes.importFailed, error.message);
      throw error;
    }
  }

  /** Must run inside a store transaction (rows) — metadata changes only after validation passed. */
  apply(parsed: ParsedSolution, options: ImportOptions = DEFAULT_IMPORT_OPTIONS): ImportSummary {
    const { store, metadata } = this.deps;
    this.checkAgainstInstalled(parsed, options);
    const relationships = validateSolution(parsed, metadata);
    const now = this.deps.clock.now().toISOString();
    const put = (entity: string, id: string, row: Row): void => {
      const existing = store.get(entity, id);
      store.put(entity, id, {
        createdon: now,
        ...existing,
        ...row,
        modifiedon: now,
        versionnumber: store.nextVersion(),
      });
    };

    let columns = 0;
    for (const table of parsed.tables) {
      const { shell: _shell, ...definition } = table;
      columns += Object.keys(definition.attributes).length;
      if (metadata.table(definition.logicalName)) {
        for (const attribute of Object.values(definition.attributes)) {
          const existing = metadata.table(definition.logicalName)!.attributes[attribute.logicalName];
          if (!existing) metadata.putAttribute(definition.logicalName, attribute);
          // A new version of a custom column brings its new definition (length, required level,
          // options, label); the type stays, a column's type cannot change after it is created
          // (https://learn.microsoft.com/power-apps/maker/data-platform/types-of-fields).
          else if (existing.isCustom && attribute.isCustom)
            metadata.putAttribute(definition.logicalName, {
              ...attribute,
              type: existing.type,
              ...(existing.targets ? { targets: existing.targets } : {}),
            });
        }
      } else {
        metadata.putTable(definition);
      }
    }
    for (const r of relationships) {
      metadata.putRelationship(r);
      const attribute = metadata.table(r.referencingEntity)?.attributes[r.referencingAttribute];
      if (attribute) attribute.targets = [...new Set([...(attribute.targets ?? []), r.referencedEntity])];
    }
    store.setMeta(SCHEMA_META_KEY, metadata.snapshot());

    // Roles belong to the root business unit; importing a newer version replaces their privileges.
    for (const role of parsed.roles) this.deps.security.putRole(role, ROOT_BUSINESS_UNIT_ID, now);

    for (const profile of parsed.fieldSecurityProfiles)
      put('fieldsecurityprofile', profile.id, {
        fieldsecurityprofileid: profile.id,
        name: profile.name,
        description: profile.description,
      });

    for (const form of parsed.forms) {
      const current = (store.get('systemform', form.formid)?.formxml as string | undefined) ?? null;
      put('systemform', form.formid, {
        formid: form.formid,
        name: form.name,
        objecttypecode: form.entity,
        type: form.type,
        formxml: this.formLayers.importForm(form.formid, form.formxml, current, parsed.managed, options),
        formactivationstate: 1,
        formpresentation: 1,
        iscustomizable: !parsed.managed,
      });
    }

    for (const v of parsed.environmentVariables) {
      const definitionId = stableGuid('environmentvariabledefinition', v.schemaname);
      put('environmentvariabledefinition', definitionId, {
        environmentvariabledefinitionid: definitionId,
        schemaname: v.schemaname,
        displayname: v.displayname,
        description: v.description,
        type: v.type,
        defaultvalue: v.defaultvalue,
        isrequired: v.isrequired,
        statecode: 0,
        statuscode: 1,
      });
      if (v.value !== null) {
        const valueId = stableGuid('environmentvariablevalue', v.schemaname);
        put('environmentvariablevalue', valueId, {
          environmentvariablevalueid: valueId,
          schemaname: v.schemaname,
          value: v.value,
          environmentvariabledefinitionid: { id: definitionId, logicalName: 'environmentvariabledefinition' },
          statecode: 0,
          statuscode: 1,
        });
      }
    }

    for (const endpoint of parsed.serviceEndpoints)
      put('serviceendpoint', endpoint.serviceendpointid, { ...endpoint });
    for (const step of parsed.steps) {
      const filterId = step.primaryEntity
        ? stableGuid('sdkmessagefilter', this.messageName(step.sdkmessageid) ?? '', step.primaryEntity)
        : null;
      put('sdkmessageprocessingstep', step.sdkmessageprocessingstepid, {
        sdkmessageprocessingstepid: step.sdkmessageprocessingstepid,
        name: step.name,
        stage: step.stage,
        mode: step.mode,
        rank: step.rank,
        filteringattributes: step.filteringattributes,
        asyncautodelete: step.asyncautodelete,
        supporteddeployment: 0,
        sdkmessageid: { id: step.sdkmessageid, logicalName: 'sdkmessage' },
        sdkmessagefilterid: filterId ? { id: filterId, logicalName: 'sdkmessagefilter' } : null,
        eventhandler: step.eventHandler ? { id: step.eventHandler, logicalName: 'serviceendpoint' } : null,
        statecode: 0,
        statuscode: 1,
      });
      for (const image of step.images) {
        put('sdkmessageprocessingstepimage', image.id, {
          sdkmessageprocessingstepimageid: image.id,
          name: image.name,
          entityalias: image.entityalias,
          imagetype: image.imagetype,
          messagepropertyname: image.messagepropertyname,
          attributes: image.attributes,
          sdkmessageprocessingstepid: {
            id: step.sdkmessageprocessingstepid,
            logicalName: 'sdkmessageprocessingstep',
          },
        });
      }
    }

    // A staged upgrade is its own solution row until DeleteAndPromote.
    const uniqueName = parsed.uniqueName + (options.holdingSolution ? HOLDING_SUFFIX : '');
    this.components.recordImport(uniqueName, componentsOf(parsed), options.holdingSolution);
    const solutionId = stableGuid('solution', uniqueName);
    put('solution', solutionId, {
      solutionid: solutionId,
      uniquename: uniqueName,
      friendlyname: parsed.friendlyName,
      version: parsed.version,
      ismanaged: parsed.managed,
    });
    ensureMessageFilters(store, metadata, now);
    return {
      uniqueName: parsed.uniqueName,
      version: parsed.version,
      tables: parsed.tables.map((t) => t.logicalName),
      columns,
      forms: parsed.forms.length,
      environmentVariables: parsed.environmentVariables.length,
    };
  }

  private messageName(id: string): string | null {
    return (this.deps.store.get('sdkmessage', id)?.name as string | undefined) ?? null;
  }
}
