/**
 * The customer of an inbound referral in Dataverse: an account matched on name + postal code and a
 * contact matched on e-mail, as Microsoft's connector matches them ("search for an existing account …
 * by using the customer company name and postal code. If it doesn't find one, a new customer account
 * will be created" — Partner Center Dynamics 365 connector docs), and the currency by ISO code.
 */
import {
  AccountColumns,
  ContactColumns,
  EntitySets,
  TransactionCurrencyColumns,
} from '../../Domain/constants';
import { where } from '../../Domain/odataQuery';
import type { ODataQuery } from '../../Domain/odataQuery';
import type { DataverseRecord } from '../../Domain/opportunity';
import type { SyncDeps } from './deps';

/** The query of the account with the referral customer's name and postal code (null: no name). */
export function accountMatchQuery(account: DataverseRecord | null): ODataQuery | null {
  const name = account?.[AccountColumns.name];
  if (typeof name !== 'string' || !name) return null;
  const postalCode = account?.[AccountColumns.postalCode];
  const postal = typeof postalCode === 'string' && postalCode ? postalCode : null;
  return {
    select: [AccountColumns.id],
    filter: where.and(where.eq(AccountColumns.name, name), where.eq(AccountColumns.postalCode, postal)),
    top: 1,
  };
}

/** The query of the contact with the referral customer contact's e-mail (null: no e-mail). */
export function contactMatchQuery(contact: DataverseRecord | null): ODataQuery | null {
  const email = contact?.[ContactColumns.email];
  if (typeof email !== 'string' || !email) return null;
  return { select: [ContactColumns.id], filter: where.eq(ContactColumns.email, email), top: 1 };
}

/** The query of the currency with this ISO code (null: no code). */
export function currencyQuery(isoCode: string | null | undefined): ODataQuery | null {
  if (!isoCode) return null;
  return {
    select: [TransactionCurrencyColumns.id],
    filter: where.eq(TransactionCurrencyColumns.isoCode, isoCode),
    top: 1,
  };
}

/** The existing account with the referral customer's name and postal code, or null. */
export async function findAccount(deps: SyncDeps, account: DataverseRecord | null): Promise<string | null> {
  const query = accountMatchQuery(account);
  if (!query) return null;
  const [match] = await deps.dataverse.retrieveMultiple(EntitySets.account, query);
  return (match?.[AccountColumns.id] as string | undefined) ?? null;
}

/** The existing contact with the referral customer contact's e-mail, or null. */
export async function findContact(deps: SyncDeps, contact: DataverseRecord | null): Promise<string | null> {
  const query = contactMatchQuery(contact);
  if (!query) return null;
  const [match] = await deps.dataverse.retrieveMultiple(EntitySets.contact, query);
  return (match?.[ContactColumns.id] as string | undefined) ?? null;
}

export async function matchAccount(deps: SyncDeps, account: DataverseRecord): Promise<string> {
  return (await findAccount(deps, account)) ?? deps.dataverse.create(EntitySets.account, account);
}

export async function matchContact(deps: SyncDeps, contact: DataverseRecord): Promise<string> {
  return (await findContact(deps, contact)) ?? deps.dataverse.create(EntitySets.contact, contact);
}

export async function currencyId(deps: SyncDeps, isoCode: string | null | undefined): Promise<string | null> {
  const query = currencyQuery(isoCode);
  if (!query) return null;
  const [currency] = await deps.dataverse.retrieveMultiple(EntitySets.transactioncurrency, query);
  return (currency?.[TransactionCurrencyColumns.id] as string | undefined) ?? null;
}
