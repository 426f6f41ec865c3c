/**
 * Builds the OpportunitySnapshot the shared rules read, from the form's values and the related rows.
 * The columns fetched for account and contact are the ones the field map names, so a customized map
 * (or the country / deal value overrides) is checked against the columns it really uses.
 */
import { OpportunityColumns, Tables } from '../../Domain/constants';
import type { FieldMap } from '../../Domain/fieldMap';
import type { DataverseRecord, OpportunitySnapshot } from '../../Domain/opportunity';
import { lookupValueName } from './formValues';
import type { RelatedRecords } from './relatedRecords';

const columnsOf = (map: FieldMap, table: string) =>
  map.entries.filter((e) => e.table === table).map((e) => e.column);

const idOf = (record: DataverseRecord, lookup: string): string | null => {
  const value = record[lookupValueName(lookup)];
  return typeof value === 'string' && value.length > 0 ? value : null;
};

export async function loadSnapshot(
  opportunity: DataverseRecord,
  related: RelatedRecords,
  map: FieldMap,
): Promise<OpportunitySnapshot> {
  const accountId = idOf(opportunity, OpportunityColumns.parentAccount);
  const contactId = idOf(opportunity, OpportunityColumns.parentContact);
  const currencyId = idOf(opportunity, OpportunityColumns.transactionCurrency);
  const opportunityId = opportunity[OpportunityColumns.id];

  // Independent reads, in parallel: OnSave waits for all of them (async OnSave allows 10 s).
  const [account, contact, currencyIsoCode, solutions] = await Promise.all([
    accountId ? related.account(accountId, columnsOf(map, Tables.account)) : null,
    contactId ? related.contact(contactId, columnsOf(map, Tables.contact)) : null,
    currencyId ? related.currencyIsoCode(currencyId) : null,
    // An unsaved opportunity cannot have solution rows yet.
    typeof opportunityId === 'string' && opportunityId ? related.solutions(opportunityId) : [],
  ]);
  return { opportunity, account, contact, currencyIsoCode, solutions };
}
