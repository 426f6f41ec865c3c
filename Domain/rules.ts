/**
 * Sharing rules: what Partner Center will refuse, checked before we send (form save, PCF pre-flight,
 * relay). One implementation for all three, so the seller sees the same words everywhere.
 */
import type { Lcid } from './constants';
import {
  AccountColumns,
  ContactColumns,
  OpportunityColumns,
  ReferralFieldColumns,
  ReferralVisibility,
  Tables,
} from './constants';
import type { FieldMap, FieldMapTable } from './fieldMap';
import { findEntry, wireColumn } from './fieldMap';
import { columnName, lookup } from './odataQuery';
import { ReferralFieldPaths, ReferralFieldTopLevelPaths } from './referralPaths';
import { ISO_3166_ALPHA2 } from './iso3166';
import type { MessageLcid } from './messages';
import { interpolate, PROBLEM_MESSAGES } from './messages';
import type { DealType, OpportunitySnapshot, Problem } from './opportunity';
import { stripCheckmark } from './checkmark';

/**
 * private / partner-led / co-sell from pcs_referralvisibility and pcs_helpneeded option values
 * (partner-center-api.md §3.5). Any help code makes the deal co-sell, whatever the visibility: asking
 * for help implies sharing (the form sets Visible), and an explicit Not visible next to a help code is
 * reported by checkSharingRules as `visibilityRequiredForHelp` rather than silently sent as private.
 */
export function dealTypeOf(
  visibility: number | null | undefined,
  helpNeeded: number | null | undefined,
): DealType {
  if (helpNeeded !== null && helpNeeded !== undefined) return 'coSell';
  return visibility === ReferralVisibility.visible ? 'partnerLed' : 'private';
}

/** ISO 3166-1 alpha-2 check (exact two upper-case letters of an assigned code). */
export function isIso2Country(value: unknown): boolean {
  return typeof value === 'string' && /^[A-Z]{2}$/.test(value) && ISO_3166_ALPHA2.has(value);
}

export const isBlank = (value: unknown): boolean =>
  value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

export type RuleColumn = { table: FieldMapTable; column: string };
type Column = RuleColumn;

/** The column the map uses for a referral path (on opportunity-side tables), else the product default. */
function columnFor(map: FieldMap, referral: string, fallback: Column): Column {
  const e = findEntry(map, referral, [Tables.opportunity, Tables.account, Tables.contact]);
  return e ? { table: e.table, column: e.column } : fallback;
}

function read(snapshot: OpportunitySnapshot, { table, column }: Column): unknown {
  const row =
    table === Tables.account
      ? snapshot.account
      : table === Tables.contact
        ? snapshot.contact
        : snapshot.opportunity;
  return row?.[column];
}

const asOption = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** The referral path each single-column rule reads, with the column used when the map has no entry. */
const RULE_COLUMNS = {
  name: ['name', { table: Tables.opportunity, column: OpportunityColumns.name }],
  country: ['customerProfile.address.country', { table: Tables.account, column: AccountColumns.country }],
  dealValue: ['details.dealValue', { table: Tables.opportunity, column: OpportunityColumns.estimatedValue }],
  closeDate: [
    'details.closingDateTime',
    { table: Tables.opportunity, column: OpportunityColumns.estimatedCloseDate },
  ],
  visibility: [
    'consent.consentToShareReferralWithMicrosoftSellers',
    { table: Tables.opportunity, column: OpportunityColumns.referralVisibility },
  ],
  help: [
    'inviteContext.assistanceRequestCode',
    { table: Tables.opportunity, column: OpportunityColumns.helpNeeded },
  ],
} as const satisfies Record<string, readonly [string, Column]>;

const ruleColumn = (map: FieldMap, rule: keyof typeof RULE_COLUMNS): Column =>
  columnFor(map, RULE_COLUMNS[rule][0], RULE_COLUMNS[rule][1]);

/** Columns of the customer contact Partner Center requires for co-sell (§3.5), in form order. */
const CONTACT_FIELDS = [
  ['customerProfile.team[0].firstName', ContactColumns.firstName],
  ['customerProfile.team[0].lastName', ContactColumns.lastName],
  ['customerProfile.team[0].email', ContactColumns.email],
  ['customerProfile.team[0].phoneNumber', ContactColumns.phone],
] as const;

const contactColumns = (map: FieldMap): Column[] =>
  CONTACT_FIELDS.map(([path, fallback]) => columnFor(map, path, { table: Tables.contact, column: fallback }));

/** Deal type of a snapshot, reading visibility and help columns through the map. */
export function dealTypeOfSnapshot(snapshot: OpportunitySnapshot, map: FieldMap): DealType {
  return dealTypeOf(
    asOption(read(snapshot, ruleColumn(map, 'visibility'))),
    asOption(read(snapshot, ruleColumn(map, 'help'))),
  );
}

/**
 * The columns the sharing rules read under this map (after the environment-variable overrides): a
 * change to one of them can turn a blocked deal into one that syncs. Besides these the rules only look
 * at whether the account and contact lookups and the solution rows are there.
 */
export function sharingRuleColumns(map: FieldMap): RuleColumn[] {
  const columns = [
    ...(Object.keys(RULE_COLUMNS) as Array<keyof typeof RULE_COLUMNS>).map((rule) => ruleColumn(map, rule)),
    ...contactColumns(map),
  ];
  return columns.filter(
    (c, i) => columns.findIndex((o) => o.table === c.table && o.column === c.column) === i,
  );
}

type ProblemTable = Problem['table'];
const problem = (code: Problem['code'], at?: Column, params?: Record<string, string>): Problem => ({
  code,
  table: (at?.table === Tables.transactioncurrency
    ? Tables.opportunity
    : (at?.table ?? Tables.opportunity)) as ProblemTable,
  ...(at ? { column: at.column } : {}),
  ...(params ? { params } : {}),
});

/**
 * Every problem that blocks sharing this opportunity, in a stable order (empty = can sync):
 * name, account, country, deal value, close date, visibility vs help, customer contact, contact
 * details, solutions. Private deals need no solution; partner-led and co-sell need at least one
 * ("at least one co-sell-ready solution is required to share with Microsoft", §3.2).
 */
export function checkSharingRules(snapshot: OpportunitySnapshot, map: FieldMap): Problem[] {
  const problems: Problem[] = [];
  const dealType = dealTypeOfSnapshot(snapshot, map);

  const name = ruleColumn(map, 'name');
  const nameValue = read(snapshot, name);
  if (isBlank(typeof nameValue === 'string' ? stripCheckmark(nameValue) : nameValue)) {
    problems.push(problem('nameMissing', name));
  }

  const country = ruleColumn(map, 'country');
  if (!snapshot.account) {
    problems.push(
      problem('accountMissing', { table: Tables.opportunity, column: OpportunityColumns.parentAccount }),
    );
  } else {
    const value = read(snapshot, country);
    if (isBlank(value)) problems.push(problem('countryMissing', country));
    else if (!isIso2Country(value))
      problems.push(problem('countryNotIso2', country, { country: String(value) }));
  }

  const dealValue = ruleColumn(map, 'dealValue');
  if (isBlank(read(snapshot, dealValue))) problems.push(problem('dealValueMissing', dealValue));

  const closeDate = ruleColumn(map, 'closeDate');
  if (isBlank(read(snapshot, closeDate))) problems.push(problem('closeDateMissing', closeDate));

  if (dealType === 'coSell') {
    const visibility = ruleColumn(map, 'visibility');
    if (read(snapshot, visibility) === ReferralVisibility.notVisible) {
      problems.push(problem('visibilityRequiredForHelp', visibility));
    }
    if (!snapshot.contact) {
      problems.push(
        problem('customerContactMissing', {
          table: Tables.opportunity,
          column: OpportunityColumns.parentContact,
        }),
      );
    } else {
      const missing = contactColumns(map).filter((c) => isBlank(read(snapshot, c)));
      if (missing.length) {
        problems.push(
          problem('contactDetailsMissing', missing[0], { columns: missing.map((c) => c.column).join(', ') }),
        );
      }
    }
  }

  if (dealType !== 'private' && !snapshot.solutions.some((s) => !isBlank(s.solutionId))) {
    problems.push({ code: 'solutionMissing', table: Tables.microsoftSolution });
  }
  if (isServicesCoSell(snapshot, dealType)) problems.push(...servicesCoSellProblems(snapshot, map));
  return problems;
}

/**
 * A Services co-sell referral: help from Microsoft is requested (co-sell) and one of its solutions is
 * a Services co-sell solution in the catalogue (Microsoft Solution Details, pcs_solutionkind). Partner
 * Center does not define the term; the co-sell pages tell IP from Services solutions, so the
 * solution's kind decides (docs/partner-center-fields.md).
 */
export const isServicesCoSell = (snapshot: OpportunitySnapshot, dealType: DealType): boolean =>
  dealType === 'coSell' && snapshot.solutions.some((s) => s.services === true);

/** The FY26 fields a Services co-sell referral requires ("Required for Services co-sell referrals only"). */
const SERVICES_CO_SELL_FIELDS = (['solutionArea', 'solutionPlay', 'partnerRole'] as const).map((field) => ({
  code: `${field}Missing` as const,
  paths: [ReferralFieldPaths[field], ReferralFieldTopLevelPaths[field]],
  fallback: ReferralFieldColumns[field],
}));

/** One problem per empty field, on the column the map uses for it (a lookup, read as `_x_value`). */
function servicesCoSellProblems(snapshot: OpportunitySnapshot, map: FieldMap): Problem[] {
  return SERVICES_CO_SELL_FIELDS.flatMap(({ code, paths, fallback }) => {
    // Either spelling of the path (attributes item or top-level property) names the field.
    const e = paths.map((p) => findEntry(map, p, [Tables.opportunity])).find(Boolean);
    const value = snapshot.opportunity[e ? wireColumn(e) : columnName(lookup(fallback))];
    return isBlank(value)
      ? [problem(code, { table: Tables.opportunity, column: e?.column ?? fallback })]
      : [];
  });
}

const isMessageLcid = (lcid: number): lcid is MessageLcid => lcid === 1033 || lcid === 1046 || lcid === 3082;

/** User-facing text of a problem in 1033 / 1046 / 3082 (falls back to 1033). */
export function problemMessage(problem: Problem, lcid: Lcid | number): string {
  const texts = PROBLEM_MESSAGES[problem.code];
  return interpolate(texts[isMessageLcid(lcid) ? lcid : 1033], problem.params);
}
