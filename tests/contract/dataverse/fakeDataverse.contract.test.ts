/**
 * The unit tests' FakeDataverse must answer typed queries as Dataverse does, or the sync unit tests
 * prove little: the same records, written through the port, queried on the fake and on the Dataverse
 * simulator (our solution imported), give the same rows and shapes; the Sales messages (Win, Lose,
 * QualifyLead) leave the same state.
 */
import {
  AccountColumns,
  DEFAULT_FIELD_MAP,
  EntitySets,
  LeadColumns,
  LeadState,
  LeadStatus,
  OpportunityColumns,
  OpportunityNavigation,
  Relationships,
  SalesActions,
  lookup,
  opportunityQuery,
  where,
} from '../../../Domain';
import type { ODataQuery } from '../../../Domain';
import type { DataverseApi } from '../../../Relay/ports';
import { createCatalogueSolution, createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { startDataverseWithSolution } from '../../testkit/dataverseSimulator';
import { FakeDataverse, OPPORTUNITY_CLOSES } from '../../testkit/fakeDataverse';

interface World {
  dataverse: DataverseApi;
  opportunities: Record<string, string>;
}

async function seed(dataverse: DataverseApi): Promise<World> {
  await createCatalogueSolution(dataverse);
  const opportunities: Record<string, string> = {};
  for (const [name, overrides] of [
    ['Alpha', { value: 10 }],
    ["O'Brien & Sons #1", { value: 20, account: 'Contoso', postalCode: '10001' }],
    ['Gamma', { value: 30, sync: false, solutionId: null }],
  ] as const) {
    opportunities[name] = (await createSeedOpportunity(dataverse, { name, ...overrides })).opportunityId;
  }
  return { dataverse, opportunities };
}

let simulator: World;
let fake: World;

beforeAll(async () => {
  simulator = await seed((await startDataverseWithSolution()).client);
  fake = await seed(new FakeDataverse());
});

const names = async (world: World, query: ODataQuery) =>
  (
    await world.dataverse.retrieveMultiple(EntitySets.opportunity, {
      select: [OpportunityColumns.name],
      ...query,
    })
  ).map((r) => r[OpportunityColumns.name]);

const cases: Array<[string, ODataQuery]> = [
  ['text compares case-insensitively', { filter: where.eq(OpportunityColumns.name, 'ALPHA') }],
  [
    'quotes and URL delimiters in literals',
    { filter: where.eq(OpportunityColumns.name, "O'Brien & Sons #1") },
  ],
  [
    'numbers, booleans and and/or nesting',
    {
      filter: where.and(
        where.eq(OpportunityColumns.syncWithPartnerCenter, true),
        where.or(
          where.lt(OpportunityColumns.estimatedValue, 15),
          where.ge(OpportunityColumns.estimatedValue, 20),
        ),
      ),
    },
  ],
  ['in and not', { filter: where.not(where.in(OpportunityColumns.name, ['Alpha', 'Gamma'])) }],
  ['string functions', { filter: where.startsWith(OpportunityColumns.name, 'o') }],
  ['dates as instants', { filter: where.gt('createdon', new Date(Date.now() - 3600_000)) }],
  ['null checks', { filter: where.isNull(OpportunityColumns.referralId) }],
  ['order and top', { orderBy: [{ column: OpportunityColumns.estimatedValue, descending: true }], top: 2 }],
];

it.each(cases)('%s: same rows as the simulator', async (_title, query) => {
  const expected = await names(simulator, query);
  const sorted = (list: unknown[]) => (query.orderBy ? list : [...list].sort());
  expect(sorted(await names(fake, query))).toEqual(sorted(expected));
  expect(expected.length).toBeGreaterThan(0);
});

it('filters on a lookup by GUID, any letter case', async () => {
  for (const world of [simulator, fake]) {
    const account = (
      await world.dataverse.retrieve(EntitySets.opportunity, world.opportunities.Alpha!, {
        select: [lookup(OpportunityNavigation.parentAccount)],
      })
    )[`_${OpportunityNavigation.parentAccount}_value`] as string;
    expect(
      await names(world, {
        filter: where.eq(lookup(OpportunityNavigation.parentAccount), account.toUpperCase()),
      }),
    ).toEqual(['Alpha']);
  }
});

it('the relay’s opportunity read (selects and expands) has the same shape', async () => {
  const shape = async (world: World) => {
    const row = await world.dataverse.retrieve(
      EntitySets.opportunity,
      world.opportunities["O'Brien & Sons #1"]!,
      opportunityQuery(DEFAULT_FIELD_MAP),
    );
    const account = row[OpportunityNavigation.parentAccount] as Record<string, unknown>;
    const solutions = row[Relationships.opportunitySolutions.collection] as Array<Record<string, unknown>>;
    return {
      columns: Object.keys(row)
        .filter((k) => !k.startsWith('@') && !k.includes('@'))
        .sort(),
      account: [account[AccountColumns.name], account[AccountColumns.postalCode]],
      accountColumns: Object.keys(account)
        .filter((k) => !k.includes('@'))
        .sort(),
      solutions: solutions.map((s) =>
        Object.keys(s)
          .filter((k) => !k.includes('@'))
          .sort(),
      ),
    };
  };
  expect(await shape(fake)).toEqual(await shape(simulator));
});

describe('Sales messages on the fake and on the simulator', () => {
  /** State after closing, and the opportunityclose row, as both answer it. */
  async function closeAndRead(world: World, win: boolean, status: number) {
    const id = (await createSeedOpportunity(world.dataverse, { name: `Close ${String(win)}` })).opportunityId;
    await world.dataverse.executeAction(win ? SalesActions.winOpportunity : SalesActions.loseOpportunity, {
      Status: status,
      OpportunityClose: {
        subject: 'Closed in Partner Center',
        description: 'reason',
        actualrevenue: 77,
        'opportunityid@odata.bind': `/${EntitySets.opportunity}(${id})`,
      },
    });
    const row = await world.dataverse.retrieve(EntitySets.opportunity, id, {
      select: [OpportunityColumns.stateCode, OpportunityColumns.statusCode, 'actualvalue'],
    });
    const [close] = await world.dataverse.retrieveMultiple(OPPORTUNITY_CLOSES, {
      select: ['subject', 'description', 'statecode', 'statuscode'],
      filter: where.eq(lookup('opportunityid'), id),
    });
    const { activityid: _id, '@odata.etag': _etag, ...closeColumns } = close!;
    const again = await world.dataverse
      .executeAction(SalesActions.winOpportunity, {
        Status: 3,
        OpportunityClose: { subject: 'x', 'opportunityid@odata.bind': `/${EntitySets.opportunity}(${id})` },
      })
      .then(
        () => 'accepted',
        (error: { status?: number }) => error.status,
      );
    return {
      state: [row[OpportunityColumns.stateCode], row[OpportunityColumns.statusCode], row.actualvalue],
      close: closeColumns,
      closingAgain: again,
    };
  }

  it.each([
    ['WinOpportunity', true, 3],
    ['LoseOpportunity Out-Sold', false, 5],
  ] as const)('%s closes the same way', async (_title, win, status) => {
    expect(await closeAndRead(fake, win, status)).toEqual(await closeAndRead(simulator, win, status));
  });

  it('QualifyLead creates and links the same records', async () => {
    const qualify = async (world: World) => {
      const leadId = await world.dataverse.create(EntitySets.lead, {
        [LeadColumns.subject]: 'Qualify me',
        [LeadColumns.companyName]: 'Fabrikam',
        [LeadColumns.lastName]: 'Smith',
        [LeadColumns.email]: 'smith@fabrikam.example',
      });
      const answer = (await world.dataverse.executeBoundAction(
        EntitySets.lead,
        leadId,
        SalesActions.qualifyLead,
        {
          CreateAccount: true,
          CreateContact: true,
          CreateOpportunity: true,
          Status: LeadStatus.qualified,
        },
      )) as { value: Array<Record<string, unknown>> };
      const opportunityId = answer.value.find((e) => typeof e.opportunityid === 'string')!
        .opportunityid as string;
      const opportunity = await world.dataverse.retrieve(EntitySets.opportunity, opportunityId, {
        select: [
          OpportunityColumns.name,
          lookup(OpportunityNavigation.parentAccount),
          lookup(LeadState.originatingLead),
        ],
      });
      const lead = await world.dataverse.retrieve(EntitySets.lead, leadId, {
        select: [LeadState.stateCode, LeadState.statusCode],
      });
      return {
        created: answer.value.map((e) => e['@odata.type']),
        name: opportunity[OpportunityColumns.name],
        hasAccount: typeof opportunity[`_${OpportunityNavigation.parentAccount}_value`] === 'string',
        fromLead: opportunity[`_${LeadState.originatingLead}_value`] === leadId,
        lead: [lead[LeadState.stateCode], lead[LeadState.statusCode]],
      };
    };
    expect(await qualify(fake)).toEqual(await qualify(simulator));
  });
});
