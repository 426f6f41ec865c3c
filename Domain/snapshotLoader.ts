/**
 * Loads the OpportunitySnapshot the sharing rules check in the browser: for the PCF control's
 * pre-flight list and for the form library's OnSave and sync-switch checks. Both hand in their Web API
 * (`context.webAPI`, `Xrm.WebApi`). The columns read are the ones the field map names, so a customized
 * map (or the country / deal value overrides) is checked against the columns it really uses. The relay
 * reads the same columns in one `$expand` read (mapping.ts `opportunityQuery`); here the account and
 * contact come from the lookups as the form holds them now, which may not be saved yet.
 */
import {
  AccountColumns,
  ContactColumns,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  Relationships,
  SolutionDetailColumns,
  SolutionKindOptions,
  Tables,
  TransactionCurrencyColumns,
} from './constants';
import { mappedSelect, type FieldMap, type FieldMapTable } from './fieldMap';
import type { DataverseRecord, OpportunitySnapshot, SolutionRow } from './opportunity';
import { guid, lookup, odataQueryString, where } from './odataQuery';
import { bareRecordId, lookupValue, selectOption, type WebApiReader } from './webApi';

/** The primary key and the columns the map names: what the relay reads, so both give one verdict. */
const snapshotColumns = (map: FieldMap, table: FieldMapTable, primaryKey: string): string[] => [
  primaryKey,
  ...mappedSelect(map, table),
];

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

const CATALOGUE = Relationships.solutionDetailSolutions.navigation;

/**
 * A row picked from the catalogue gets its Solution ID from the relay a moment after it is added
 * (Relay/sync/solutionCatalogue.ts); until then the id is read through the lookup, so a seller who
 * saves straight away is not told to add the solution they just added.
 */
const solutionOf = (row: DataverseRecord): SolutionRow => {
  const detail = row[CATALOGUE] as DataverseRecord | null | undefined;
  return {
    solutionId:
      text(row[MicrosoftSolutionColumns.solutionId]) ||
      (detail ? text(detail[SolutionDetailColumns.solutionId]) : null) ||
      '',
    name: text(row[MicrosoftSolutionColumns.name]),
    publisherName: text(detail ? detail[SolutionDetailColumns.publisherName] : null),
    services: detail ? detail[SolutionDetailColumns.solutionKind] === SolutionKindOptions.services : false,
  };
};

// Promise chains, not async/await, object spread or destructuring: the PCF build's Babel pass inlines
// a helper for each of those into the control's bundle, once per module (bench/pcf-bundle.bench.ts).

/**
 * The snapshot around an opportunity row the caller holds: the form scripts pass the form's current
 * values (Web API shape, lookups as `_x_value`; a new record has no id yet).
 */
export function loadOpportunitySnapshot(
  webApi: WebApiReader,
  map: FieldMap,
  opportunity: DataverseRecord,
): Promise<OpportunitySnapshot> {
  const related = (table: string, lookup: string, options: string) => {
    const id = opportunity[lookupValue(lookup)];
    return typeof id === 'string' && id ? webApi.retrieveRecord(table, id, options) : null;
  };
  const solutions = (opportunityId: string | null) =>
    // An unsaved opportunity cannot have solution rows yet.
    opportunityId
      ? webApi.retrieveMultipleRecords(
          Tables.microsoftSolution,
          odataQueryString({
            select: [MicrosoftSolutionColumns.solutionId, MicrosoftSolutionColumns.name],
            filter: where.eq(lookup(MicrosoftSolutionColumns.opportunity), guid(bareRecordId(opportunityId))),
            // The catalogue row: the Solution ID until the relay has copied it, and whether the
            // solution makes this a Services co-sell.
            expand: [
              {
                navigation: CATALOGUE,
                select: [
                  SolutionDetailColumns.solutionId,
                  SolutionDetailColumns.publisherName,
                  SolutionDetailColumns.solutionKind,
                ],
              },
            ],
          }),
        )
      : { entities: [] };
  // Independent reads, in parallel: an async OnSave waits for all of them (and allows 10 s).
  return Promise.resolve(text(opportunity[OpportunityColumns.id]))
    .then((opportunityId) =>
      Promise.all([
        related(
          Tables.account,
          OpportunityColumns.parentAccount,
          selectOption(snapshotColumns(map, Tables.account, AccountColumns.id)),
        ),
        related(
          Tables.contact,
          OpportunityColumns.parentContact,
          selectOption(snapshotColumns(map, Tables.contact, ContactColumns.id)),
        ),
        related(
          Tables.transactioncurrency,
          OpportunityColumns.transactionCurrency,
          selectOption([TransactionCurrencyColumns.isoCode]),
        ),
        solutions(opportunityId),
      ]),
    )
    .then((rows) => ({
      opportunity,
      account: rows[0],
      contact: rows[1],
      currencyIsoCode: text(rows[2]?.[TransactionCurrencyColumns.isoCode]),
      solutions: rows[3].entities.map(solutionOf),
    }));
}

/**
 * The snapshot of the stored row, read by id, with values not saved yet on top: the PCF control has
 * only its bound properties at hand. An id that is not a GUID is refused before anything is read.
 */
export function loadStoredOpportunitySnapshot(
  webApi: WebApiReader,
  map: FieldMap,
  opportunityId: string,
  overlay: DataverseRecord,
): Promise<OpportunitySnapshot> {
  const columns = [
    ...snapshotColumns(map, Tables.opportunity, OpportunityColumns.id),
    // The relay always reads these two; the rules fall back on them when the map names neither.
    OpportunityColumns.referralVisibility,
    OpportunityColumns.helpNeeded,
    lookupValue(OpportunityColumns.parentAccount),
    lookupValue(OpportunityColumns.parentContact),
    lookupValue(OpportunityColumns.transactionCurrency),
  ];
  return Promise.resolve(opportunityId)
    .then((raw) => {
      const id = bareRecordId(raw);
      return webApi
        .retrieveRecord(Tables.opportunity, id, selectOption(columns))
        .then((stored) => Object.assign({}, stored, overlay, { [OpportunityColumns.id]: id }));
    })
    .then((opportunity) => loadOpportunitySnapshot(webApi, map, opportunity));
}
