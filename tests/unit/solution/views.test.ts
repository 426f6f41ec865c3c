/**
 * The "Referrals expiring this week" views (opportunity and lead): their FetchXML validates against
 * Microsoft's Fetch.xsd on its own, their saved query against CustomizationsSolution.xsd inside the
 * packed customizations.xml, the grid shows only fetched columns, and the query asks for what the
 * name promises — unanswered referrals of active records expiring within seven days, soonest first.
 */
import { join } from 'node:path';
import { LeadColumns, OpportunityColumns, ReferralStatusOptions, Views } from '../../../Domain/constants';
import { allViews } from '../../../Build/solution/model/views';
import { renderViewNode } from '../../../Build/solution/render/views';
import { validateCustomizations, validateWithXsd } from '../../../Build/solution/xsd';
import { attr, child, children, descendants, parse, root, serialize } from '../../../Build/solution/xml';
import { XSD_DIR } from '../../testkit/paths';
import { packFromFixtures } from './helpers';

const FETCH_XSD = join(XSD_DIR, 'Fetch.xsd');
const views = [
  { id: Views.opportunityReferralsExpiring, table: 'opportunity', columns: OpportunityColumns },
  { id: Views.leadReferralsExpiring, table: 'lead', columns: LeadColumns },
] as const;

describe.each(views)('Referrals expiring this week ($table)', ({ id, table, columns }) => {
  const def = allViews().find((v) => v.id === id)!;
  const savedQuery = renderViewNode(def);
  const fetch = child(child(savedQuery, 'fetchxml')!, 'fetch')!;

  it('FetchXML is valid against Fetch.xsd; a made-up operator is not', () => {
    expect(validateWithXsd(serialize(fetch), FETCH_XSD)).toEqual([]);
    const tampered = serialize(fetch).replace('next-seven-days', 'next-7-days');
    expect(validateWithXsd(tampered, FETCH_XSD).join('\n')).toContain('next-7-days');
  });

  it('asks for unanswered referrals of active records expiring within seven days, soonest first', () => {
    const entity = child(fetch, 'entity')!;
    expect(attr(entity, 'name')).toBe(table);
    const conditions = descendants(entity, 'condition').map((c) => [
      attr(c, 'attribute'),
      attr(c, 'operator'),
      attr(c, 'value'),
    ]);
    expect(conditions).toEqual([
      ['statecode', 'eq', '0'],
      [columns.referralStatus, 'eq', String(ReferralStatusOptions.New)],
      [columns.referralExpiresOn, 'next-seven-days', undefined],
    ]);
    const order = child(entity, 'order')!;
    expect([attr(order, 'attribute'), attr(order, 'descending')]).toEqual([
      columns.referralExpiresOn,
      'false',
    ]);
  });

  it('shows only fetched columns, the expiry among them, and is named in the three languages', () => {
    const fetched = new Set(children(child(fetch, 'entity')!, 'attribute').map((a) => attr(a, 'name')));
    const cells = descendants(child(savedQuery, 'layoutxml')!, 'cell').map((c) => attr(c, 'name'));
    expect(cells.filter((c) => !fetched.has(c))).toEqual([]);
    expect(cells).toContain(columns.referralExpiresOn);
    expect(def.name).toEqual({
      1033: 'Referrals expiring this week',
      1046: 'Indicações que expiram nesta semana',
      3082: 'Referencias que vencen esta semana',
    });
  });
});

it('ships both views in a customizations.xml that validates against CustomizationsSolution.xsd', () => {
  const customizations = packFromFixtures().unmanaged.get('customizations.xml')!.toString('utf8');
  expect(validateCustomizations(customizations, XSD_DIR)).toEqual([]);
  const ids = descendants(root(parse(customizations)), 'savedqueryid').map((n) => serialize(n));
  for (const { id } of views) expect(ids.some((text) => text.includes(id))).toBe(true);
});
