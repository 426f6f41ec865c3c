/**
 * Messages written on records follow the record owner's Dynamics 365 UI language (usersettings
 * uilanguageid) when the solution ships it (1033, 1046, 3082), else English. The owner is read from
 * the Dataverse simulator; the simulator has no usersettings table, so those rows come from a thin
 * wrapper over the real client (every other call goes to the simulator).
 */
import {
  AccountColumns,
  EntitySets,
  OpportunityColumns,
  SyncEventColumns,
  SystemColumns,
  UserSettings,
} from '../../../Domain/constants';
import { filterText, type ODataQuery } from '../../../Domain/odataQuery';
import type { DataverseApi } from '../../../Relay/ports';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { startTestStack, type TestStack } from '../../testkit/stack';
import { createLanguageResolver } from '../../../Relay/sync/language';

const PORTUGUESE_SELLER = '7a1e5e11-0000-4000-8000-0000000b0046';
const SPANISH_SELLER = '7a1e5e11-0000-4000-8000-0000000c3082';

describe('messages in the record owner’s language', () => {
  let stack: TestStack;
  const languages = new Map<string, number>();

  beforeAll(async () => {
    stack = await startTestStack();
    const real = stack.relay.sync.dataverse;
    const withUserSettings: DataverseApi = new Proxy(real, {
      get(target, property, receiver) {
        if (property !== 'retrieveMultiple') return Reflect.get(target, property, receiver) as unknown;
        return async (entitySet: string, query?: ODataQuery) => {
          if (entitySet !== UserSettings.entitySet) return real.retrieveMultiple(entitySet, query);
          const userId = /systemuserid eq ([0-9a-f-]{36})/.exec(filterText(query!.filter!))?.[1];
          const lcid = userId ? languages.get(userId) : undefined;
          return lcid === undefined ? [] : [{ [UserSettings.uiLanguageId]: lcid }];
        };
      },
    });
    stack.relay.sync.languages = createLanguageResolver(withUserSettings, { now: () => new Date() });
  });

  /** The seller's systemuserid, as the simulator assigned it on first call. */
  const ownerOf = async (opportunityId: string) =>
    (await stack.opportunity(opportunityId))[`_${SystemColumns.ownerId}_value`] as string;
  const audit = async (opportunityId: string) =>
    String((await stack.opportunity(opportunityId))[OpportunityColumns.audit]);

  it('a sharing problem reads in Portuguese for a pt-BR owner, in English when the language is unknown', async () => {
    const portuguese = stack.sellerClient(PORTUGUESE_SELLER);
    const draft = await createSeedOpportunity(portuguese, { name: 'Owner probe', sync: false });
    languages.set(await ownerOf(draft.opportunityId), 1046);
    const { opportunityId } = await createSeedOpportunity(portuguese, {
      name: 'País inválido',
      country: 'Brasil',
    });
    await stack.settle();
    expect((await audit(opportunityId)).split('\n')[0]).toContain(
      'O país “Brasil” da conta do cliente não é um código ISO de duas letras.',
    );

    const english = await createSeedOpportunity(stack.sellerClient(), {
      name: 'Bad country',
      country: 'Germany',
    });
    await stack.settle();
    expect((await audit(english.opportunityId)).split('\n')[0]).toContain(
      'The customer account’s country “Germany” is not a two-letter ISO country code.',
    );
  });

  it('a change from Partner Center reads in Spanish for an es-ES owner', async () => {
    const spanish = stack.sellerClient(SPANISH_SELLER);
    const { opportunityId, accountId } = await createSeedOpportunity(spanish, {
      name: 'Colaboración',
      sync: false,
    });
    languages.set(await ownerOf(opportunityId), 3082);
    await spanish.update(EntitySets.account, accountId, { [AccountColumns.country]: 'ES' });
    await spanish.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.syncWithPartnerCenter]: true,
    });
    await stack.settle();
    const referralId = (await stack.opportunity(opportunityId))[OpportunityColumns.referralId] as string;
    stack.partnerCenter.referrals.microsoftUpdate(referralId, { notes: 'Notas de Microsoft' });
    stack.partnerCenter.referrals.engage(referralId, { msxId: '7-ES0001' });
    await stack.settle();
    const events = await stack.syncEvents(opportunityId);
    const titles = events.map((e) => e[SyncEventColumns.name]);
    expect(titles).toEqual(
      expect.arrayContaining(['Actualizado desde la referencia', 'Colaboración de Microsoft']),
    );
    const text = await audit(opportunityId);
    expect(text).toContain(`Actualizado desde la referencia ${referralId}: description`);
    expect(text).toMatch(
      /Microsoft se (unió a|actualizó) la colaboración \(.*, id\. de CRM de Microsoft 7-ES0001\)/,
    );
  });
});
