/**
 * The rows around the opportunity that the rules need but the form does not hold: its account,
 * customer contact, currency and Microsoft solution rows. One interface, one Web API implementation;
 * tests use either a fake of this or of RecordReader.
 */
import {
  AccountColumns,
  ContactColumns,
  MicrosoftSolutionColumns,
  Tables,
  TransactionCurrencyColumns,
} from '../../Domain/constants';
import type { DataverseRecord, SolutionRow } from '../../Domain/opportunity';
import type { RecordReader } from '../relayClient/environment';
import { lookupValueName } from './formValues';

export interface RelatedRecords {
  account(id: string, columns: string[]): Promise<DataverseRecord>;
  contact(id: string, columns: string[]): Promise<DataverseRecord>;
  currencyIsoCode(id: string): Promise<string | null>;
  solutions(opportunityId: string): Promise<SolutionRow[]>;
}

const select = (primaryKey: string, columns: string[]) =>
  `?$select=${[...new Set([primaryKey, ...columns])].join(',')}`;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function createWebApiRelatedRecords(reader: RecordReader): RelatedRecords {
  return {
    account: async (id, columns) =>
      reader.retrieveRecord(Tables.account, id, select(AccountColumns.id, columns)),
    contact: async (id, columns) =>
      reader.retrieveRecord(Tables.contact, id, select(ContactColumns.id, columns)),
    currencyIsoCode: async (id) => {
      const row = await reader.retrieveRecord(
        Tables.transactioncurrency,
        id,
        `?$select=${TransactionCurrencyColumns.isoCode}`,
      );
      return text(row[TransactionCurrencyColumns.isoCode]);
    },
    solutions: async (opportunityId) => {
      const query =
        `?$select=${MicrosoftSolutionColumns.solutionId},${MicrosoftSolutionColumns.name}` +
        `&$filter=${lookupValueName(MicrosoftSolutionColumns.opportunity)} eq ${opportunityId}`;
      const { entities } = await reader.retrieveMultipleRecords(Tables.microsoftSolution, query);
      return entities.map((row) => ({
        solutionId: text(row[MicrosoftSolutionColumns.solutionId]) ?? '',
        name: text(row[MicrosoftSolutionColumns.name]),
      }));
    },
  };
}
