import type { Command } from 'commander';
import {
  applyOverrides,
  CoSellCreationFlows,
  DEFAULT_FIELD_MAP,
  fromReferral,
  parseFieldMap,
  parseReferral,
  problemMessage,
  ValidationError,
  type CoSellCreationFlow,
  type DataverseRecord,
  type DataverseWrites,
  type FieldMap,
  type FromReferralOptions,
  type Referral,
  type ReferralPatchOperation,
} from '../../../Domain';
import { decideOutbound, outboundSnapshot } from '../../sync/outboundDecision';
import type { CliIo } from '../io';
import { InputError, parseWith, readJsonFile, reportInputError } from '../jsonInput';

export type OpportunityPreview =
  | { action: 'create'; referral: Referral; connected?: Referral }
  | { action: 'update'; patch: ReferralPatchOperation[]; connected?: Referral }
  | { action: 'none'; reason: 'unchanged' | 'closed'; connected?: Referral }
  | {
      action: 'blocked';
      problems: { code: string; table: string; column: string | null; message: string }[];
    };

/** What the relay's push would send for this opportunity (its own decision), as printable JSON. */
export function previewOpportunity(
  record: DataverseRecord,
  map: FieldMap,
  current?: Referral,
  coSellCreation: CoSellCreationFlow = CoSellCreationFlows.oneStep,
): OpportunityPreview {
  const decision = decideOutbound(outboundSnapshot(record), map, current ?? null, { coSellCreation });
  // Two-step flow: the connected referral for Microsoft that must exist in the engagement.
  const connected =
    decision.action !== 'blocked' && decision.connected ? { connected: decision.connected } : {};
  switch (decision.action) {
    case 'blocked':
      return {
        action: 'blocked',
        problems: decision.problems.map((p) => ({
          code: p.code,
          table: p.table,
          column: p.column ?? null,
          message: problemMessage(p, 1033),
        })),
      };
    case 'create':
      return { action: 'create', referral: decision.referral, ...connected };
    case 'update':
      return { action: 'update', patch: decision.patch, ...connected };
    case 'none':
      return { action: 'none', reason: decision.reason, ...connected };
  }
}

/** One referral, or an OData page (`{ value: [...] }` as GET /referrals returns) → one writes per item. */
export function previewReferral(
  document: unknown,
  map: FieldMap,
  options: FromReferralOptions,
): DataverseWrites | DataverseWrites[] {
  const page = document as { value?: unknown } | null;
  if (page && typeof page === 'object' && Array.isArray(page.value)) {
    return page.value.map((item, i) => {
      try {
        return fromReferral(parseReferral(item), map, options);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const path = error.path.replace(/^\$/, `$.value[${i}]`);
        throw new ValidationError(path, error.message.slice(error.path.length + 2));
      }
    });
  }
  return fromReferral(parseReferral(document), map, options);
}

function loadFieldMap(file: string | undefined): FieldMap {
  if (!file) return DEFAULT_FIELD_MAP;
  const result = parseFieldMap(readJsonFile(file));
  if (result.ok) return result.map;
  const [first, ...rest] = result.errors;
  const where = first!.entry === null ? '$' : `$.entries[${first!.entry}]`;
  const more = rest.length ? ` (and ${rest.length} more)` : '';
  throw new InputError(
    file,
    where,
    `${first!.referral ? `${first!.referral}: ` : ''}${first!.message}${more}`,
  );
}

const print = (io: CliIo, value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);

/** `cosell preview referral|opportunity`: what a sync would write, without touching any system. */
export function registerPreview(program: Command, io: CliIo): void {
  const preview = program.command('preview').description('show what a sync would write, offline');

  preview
    .command('referral')
    .description('print the Dataverse writes an inbound Partner Center referral produces')
    .argument('<file>', 'a referral (GET /referrals/{id}) or a page of referrals (GET /referrals)')
    .option('--field-map <file>', 'field map JSON (default: the built-in map)')
    .option('--policy <policy>', 'where new referrals land: lead or opportunity', 'opportunity')
    .option('--deal-value-field <column>', 'pcs_DealValueFieldName override')
    .option('--country-field <column>', 'pcs_CountryCodeFieldName override')
    .action((file: string, opts: Record<string, string | undefined>) => {
      try {
        if (opts.policy !== 'lead' && opts.policy !== 'opportunity') {
          throw new InputError('--policy', '$', `expected lead or opportunity, got '${opts.policy}'`);
        }
        const map = withOverrides(loadFieldMap(opts.fieldMap), opts);
        const document = readJsonFile(file);
        print(
          io,
          parseWith(file, document, (d) => previewReferral(d, map, { policy: opts.policy as 'lead' })),
        );
      } catch (error) {
        reportInputError(io, error);
      }
    });

  preview
    .command('opportunity')
    .description(
      'print the referral create body, the JSON Patch, or the problems that block sharing (exit 2)',
    )
    .argument(
      '<file>',
      'a Web API opportunity record read with opportunityQuery(map) (expanded account, contact, currency, solutions)',
    )
    .option('--field-map <file>', 'field map JSON (default: the built-in map)')
    .option('--referral <file>', 'the current referral: print a JSON Patch instead of a create body')
    .option('--deal-value-field <column>', 'pcs_DealValueFieldName override')
    .option('--country-field <column>', 'pcs_CountryCodeFieldName override')
    .option(
      '--co-sell-creation <flow>',
      'pcs_CoSellCreationFlow: one-step, or two-step (also prints the connected referral for Microsoft)',
      CoSellCreationFlows.oneStep,
    )
    .action((file: string, opts: Record<string, string | undefined>) => {
      try {
        const flows: readonly string[] = Object.values(CoSellCreationFlows);
        if (!flows.includes(opts.coSellCreation ?? '')) {
          throw new InputError(
            '--co-sell-creation',
            '$',
            `expected ${flows.join(' or ')}, got '${opts.coSellCreation}'`,
          );
        }
        const map = withOverrides(loadFieldMap(opts.fieldMap), opts);
        const current = opts.referral
          ? parseWith(opts.referral, readJsonFile(opts.referral), parseReferral)
          : undefined;
        const record = readJsonFile(file) as DataverseRecord;
        const flow = opts.coSellCreation as CoSellCreationFlow;
        const result = parseWith(file, record, (r) =>
          previewOpportunity(r as DataverseRecord, map, current, flow),
        );
        print(io, result);
        if (result.action === 'blocked') io.exitCode = 2;
      } catch (error) {
        reportInputError(io, error);
      }
    });
}

const withOverrides = (map: FieldMap, opts: Record<string, string | undefined>): FieldMap =>
  applyOverrides(map, { dealValueFieldName: opts.dealValueField, countryCodeFieldName: opts.countryField });
