/**
 * The `--assign-role` plan without a Dataverse: how an argument names a user or a team, and which
 * role and profile assignments a principal still needs.
 */
import { FieldSecurityProfiles, SecurityRoles } from '../../../Domain/constants';
import { grantsFor, parsePrincipal, planGrants } from '../../../Relay/config/roleAssignment';

describe('parsePrincipal', () => {
  it('reads a UPN or a systemuserid as a user', () => {
    expect(parsePrincipal('megan@contoso.com')).toEqual({ kind: 'user', key: 'megan@contoso.com' });
    expect(parsePrincipal(' 5e11e400-0000-4000-8000-000000000001 ')).toEqual({
      kind: 'user',
      key: '5e11e400-0000-4000-8000-000000000001',
    });
  });

  it('reads team:<name or id> as a team, the prefix in any case, the name with its blanks', () => {
    expect(parsePrincipal('team:Contoso Sellers')).toEqual({ kind: 'team', key: 'Contoso Sellers' });
    expect(parsePrincipal('TEAM: 7ea70000-0000-4000-8000-000000000001')).toEqual({
      kind: 'team',
      key: '7ea70000-0000-4000-8000-000000000001',
    });
  });

  it('refuses a team prefix without a team', () => {
    expect(() => parsePrincipal('team:')).toThrow(/name the team after "team:"/);
  });
});

describe('planGrants', () => {
  const seller = grantsFor('seller');

  it('plans the seller role and profile a principal lacks, naming it', () => {
    const plan = planGrants({ label: 'team:Contoso Sellers' }, seller, { roles: [], profiles: [] });
    expect(plan.map((p) => `${p.item.action} ${p.item.name}`)).toEqual([
      `create team:Contoso Sellers: role ${SecurityRoles.seller.name}`,
      `create team:Contoso Sellers: field security profile ${FieldSecurityProfiles.seller.name}`,
    ]);
    expect(plan.every((p) => p.item.component === 'security')).toBe(true);
  });

  it('leaves what is held unchanged, whatever the letter case of the ids Dataverse returns', () => {
    const plan = planGrants({ label: 'megan@contoso.com' }, seller, {
      roles: ['11111111-0000-4000-8000-000000000000', SecurityRoles.seller.id.toUpperCase()],
      profiles: [],
    });
    expect(plan.map((p) => p.item.action)).toEqual(['unchanged', 'create']);
  });

  it('does not take the integration role for the seller role', () => {
    const plan = planGrants({ label: 'x' }, seller, {
      roles: [SecurityRoles.integration.id],
      profiles: [FieldSecurityProfiles.integration.id],
    });
    expect(plan.map((p) => p.item.action)).toEqual(['create', 'create']);
  });
});
