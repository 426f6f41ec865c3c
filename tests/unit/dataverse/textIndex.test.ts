/**
 * The Dataverse simulator's index on text columns compared with `eq` (store.ts) changes what a query
 * costs, never what it answers: the same `$filter` gives the same rows, in the same order, whether the
 * index or a read of the whole table finds them. Text is compared case-insensitively, as Dataverse's
 * SQL collation does, including letters outside ASCII.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import type { DataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { evaluateFilter, parseFilter } from '../../../DevStack/simulators/dataverse/odata/filter';
import { RecordStore } from '../../../DevStack/simulators/dataverse/store';
import { closeAfterAll } from '../../testkit/cleanup';

// Names that differ only by case (ASCII and not), that look like numbers or dates, carry a quote, or
// are empty: every way a folded index key could part from the evaluator's comparison.
const NAMES = [
  'Contoso',
  'CONTOSO',
  'contoso ',
  'Ärzte GmbH',
  'ärzte gmbh',
  'ÄRZTE GMBH',
  "O'Brien",
  '12345',
  '2025-03-01',
  '',
  'Fabrikam',
];

interface ODataRows {
  value: Array<Record<string, unknown>>;
}

let sim: DataverseSimulator;
const accountIds: string[] = [];

async function get(query: string): Promise<ODataRows> {
  const response = await fetch(`${sim.apiUrl}${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ODataRows;
}

beforeAll(async () => {
  sim = await startDataverseSimulator({ port: 0 });
  closeAfterAll(() => sim.close());
  for (const [i, name] of NAMES.entries()) {
    const response = await fetch(`${sim.apiUrl}accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'return=representation' },
      body: JSON.stringify({ name, address1_postalcode: i % 2 ? '98052' : '10115' }),
    });
    accountIds.push(((await response.json()) as { accountid: string }).accountid);
  }
});

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

describe('text column index', () => {
  it.each([
    ...NAMES.map((name) => `name eq ${literal(name)}`),
    `name eq ${literal('contoso')}`,
    `name eq ${literal('ärzte GMBH')}`,
    `name eq ${literal('nobody')}`,
    `name eq ${literal('contoso')} and address1_postalcode eq '10115'`,
    `address1_postalcode eq '98052' and name eq ${literal('CONTOSO')}`,
  ])('%s: the rows a full read finds, in the same order, without reading the table', async (filter) => {
    const list = jest.spyOn(RecordStore.prototype, 'list');
    try {
      const indexed = await get(`accounts?$select=name&$filter=${encodeURIComponent(filter)}`);
      expect(list.mock.calls.filter(([entity]) => entity === 'account')).toEqual([]);
      // The same question where no index applies (`or`): the simulator reads the table.
      const scanned = await get(
        `accounts?$select=name&$filter=${encodeURIComponent(`(${filter}) or false`)}`,
      );
      expect(list.mock.calls.filter(([entity]) => entity === 'account')).toHaveLength(1);
      expect(indexed.value.map((r) => r.accountid)).toEqual(scanned.value.map((r) => r.accountid));
      // And the answer is what the names say, not only what the two paths agree on.
      const [wanted, postal] = /^name eq '(.*?)'(?: and address1_postalcode eq '(\d+)')?$/.exec(filter) ?? [];
      if (wanted !== undefined && postal === undefined) {
        const expected = NAMES.flatMap((name, i) =>
          name.toLowerCase() === wanted.replace(/''/g, "'").toLowerCase() ? [accountIds[i]] : [],
        );
        expect(indexed.value.map((r) => r.accountid)).toEqual(expected);
      }
    } finally {
      list.mockRestore();
    }
  });

  it('finds rows written after the index was made, and no longer finds what was changed or deleted', async () => {
    const before = await get(`accounts?$select=name&$filter=name eq 'Northwind'`);
    expect(before.value).toEqual([]);
    const created = await fetch(`${sim.apiUrl}accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'return=representation' },
      body: JSON.stringify({ name: 'Northwind' }),
    });
    const id = ((await created.json()) as { accountid: string }).accountid;
    expect((await get(`accounts?$select=name&$filter=name eq 'NORTHWIND'`)).value).toHaveLength(1);
    await fetch(`${sim.apiUrl}accounts(${id})`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Northwind Traders' }),
    });
    expect((await get(`accounts?$select=name&$filter=name eq 'Northwind'`)).value).toEqual([]);
    expect((await get(`accounts?$select=name&$filter=name eq 'northwind traders'`)).value).toHaveLength(1);
    await fetch(`${sim.apiUrl}accounts(${id})`, { method: 'DELETE' });
    expect((await get(`accounts?$select=name&$filter=name eq 'Northwind Traders'`)).value).toEqual([]);
  });
});

describe('RecordStore.findByText', () => {
  it('returns what evaluating `eq` over every row returns, and keeps its index in the data dir', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'text-index-'));
    try {
      const store = new RecordStore(dataDir);
      const values: unknown[] = [...NAMES, 12345, null, { id: 'x', logicalName: 'account' }];
      values.forEach((value, i) =>
        store.put('contact', `id-${i}`, { contactid: `id-${i}`, emailaddress1: value }),
      );
      store.put('lead', 'other', { leadid: 'other', emailaddress1: 'Contoso' });
      const probes = ['contoso', 'ÄRZTE gmbh', "o'brien", '12345', '', 'none'];
      // Without the index: the evaluator over every row of the table.
      const scanned = probes.map((text) =>
        store
          .list('contact')
          .filter((row) =>
            evaluateFilter(parseFilter(`emailaddress1 eq ${literal(text)}`), (p) => row[p] ?? null),
          )
          .map((row) => row.contactid),
      );
      const indexed = (s: RecordStore) =>
        probes.map((text) => s.findByText('contact', 'emailaddress1', text).map((row) => row.contactid));
      expect(scanned.flat()).not.toEqual([]);
      expect(indexed(store)).toEqual(scanned);
      store.close();
      const reopened = new RecordStore(dataDir);
      try {
        expect(indexed(reopened)).toEqual(scanned);
      } finally {
        reopened.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a column name it would have to inline into SQL unchecked', () => {
    const store = new RecordStore();
    try {
      expect(() => store.findByText('account', "name') OR 1=1 --", 'x')).toThrow(/not a column name/);
    } finally {
      store.close();
    }
  });
});
