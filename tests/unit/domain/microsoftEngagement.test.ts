/**
 * Microsoft's side of the deal as opportunity columns: from a referral Microsoft sent (the published
 * 2019 list sample: seller in `team`, message in `inviteContext.notes`) and from Microsoft's own
 * referral in the engagement (the simulator's engage, shaped after the published Microsoft organization).
 */
import { OpportunityColumns, ReferralSubstatusOptions } from '../../../Domain/constants';
import {
  engagementColumns,
  engagementFromInvitation,
  engagementFromMicrosoftReferral,
  invitationColumns,
  isMicrosoftOrganization,
} from '../../../Domain/microsoftEngagement';
import type { Referral } from '../../../Domain/referral';
import { FakeClock } from '../../testkit/clock';
import { FakePartnerCenter } from '../../testkit/fakePartnerCenter';
import { publishedInvalidJson } from '../../testkit/fixtureFiles';

const [partnersOwn, fromMicrosoft] = (
  publishedInvalidJson('referrals-list-2019-11.response.invalid-json.txt') as { value: Referral[] }
).value;

describe('a referral Microsoft sent (published sample)', () => {
  it('names the Microsoft seller from team and the message from inviteContext.notes', () => {
    expect(engagementFromInvitation(fromMicrosoft!)).toEqual({
      sellerName: 'John Doe',
      sellerEmail: 'john.doe@microsoft.com',
      engagedOn: '2018-10-29T21:24:52.040469Z',
      updatedOn: null,
      notes: 'Hi ABC Partner, hoping you can help this customer. Thanks, John @ Microsoft',
      substatus: null,
      msxId: null,
    });
    expect(invitationColumns(fromMicrosoft!)).toEqual({
      [OpportunityColumns.microsoftSellerName]: 'John Doe',
      [OpportunityColumns.microsoftSellerEmail]: 'john.doe@microsoft.com',
      [OpportunityColumns.microsoftEngagedOn]: '2018-10-29T21:24:52.040Z',
      [OpportunityColumns.microsoftNotes]:
        'Hi ABC Partner, hoping you can help this customer. Thanks, John @ Microsoft',
    });
  });

  it('is nothing for a referral Microsoft did not send, or once it is answered', () => {
    expect(engagementFromInvitation(partnersOwn!)).toBeNull();
    expect(invitationColumns(partnersOwn!)).toEqual({});
    expect(invitationColumns({ ...fromMicrosoft!, status: 'Active', substatus: 'Accepted' })).toEqual({});
    expect(isMicrosoftOrganization(' MSFT ')).toBe(true);
    expect(isMicrosoftOrganization('7d23e5ca-19dc-4eaa-aac8-5e6b559f0d1d')).toBe(false);
  });
});

describe('Microsoft’s referral in the engagement (simulator engage / microsoft-update)', () => {
  const clock = new FakeClock('2026-03-01T12:00:00Z');
  const partnerCenter = new FakePartnerCenter(clock);
  const ours = partnerCenter.referrals.create({
    name: 'Co-sell',
    type: 'Shared',
    customerProfile: {
      name: 'Fabrikam',
      address: { country: 'US' },
      team: [{ firstName: 'Sue', lastName: 'Smith', email: 'sue@fabrikam.example', phoneNumber: '1' }],
    },
    consent: { consentToShareReferralWithMicrosoftSellers: true },
    details: { notes: 'Our own notes', requirements: { solutions: [{ id: 'SOL-1', type: 'Name' }] } },
    inviteContext: { assistanceRequestCode: 'GeneralOrOther' },
  });

  it('reads seller, note, status, times and CRM id, never our own notes', () => {
    clock.advance(60_000);
    const { related } = partnerCenter.referrals.engage(ours.id, {
      msxId: '7-ENGAGED01',
      seller: { firstName: 'Mia', lastName: 'Seller', email: 'mia.seller@microsoft.example' },
      notes: 'I will bring the Azure specialist to the next call.',
    });
    expect(engagementFromMicrosoftReferral(related)).toEqual({
      sellerName: 'Mia Seller',
      sellerEmail: 'mia.seller@microsoft.example',
      engagedOn: '2026-03-01T12:01:00.0000000Z',
      updatedOn: '2026-03-01T12:01:00.0000000Z',
      notes: 'I will bring the Azure specialist to the next call.',
      substatus: 'Accepted',
      msxId: '7-ENGAGED01',
    });
    const quiet = partnerCenter.referrals.engage(ours.id, {}).related;
    expect(engagementFromMicrosoftReferral(quiet)?.notes).toBeNull();

    clock.advance(3_600_000);
    const won = partnerCenter.referrals.microsoftUpdate(related.id, { substatus: 'Won', notes: 'Signed!' });
    expect(engagementColumns(engagementFromMicrosoftReferral(won)!)).toEqual({
      [OpportunityColumns.microsoftSellerName]: 'Mia Seller',
      [OpportunityColumns.microsoftSellerEmail]: 'mia.seller@microsoft.example',
      [OpportunityColumns.microsoftEngagedOn]: '2026-03-01T12:01:00.000Z',
      [OpportunityColumns.microsoftUpdatedOn]: '2026-03-01T13:01:00.000Z',
      [OpportunityColumns.microsoftNotes]: 'Signed!',
      [OpportunityColumns.microsoftStatus]: ReferralSubstatusOptions.Won,
      [OpportunityColumns.microsoftCrmId]: '7-ENGAGED01',
    });
  });

  it('is nothing for a referral that is not Microsoft’s', () => {
    expect(engagementFromMicrosoftReferral(partnerCenter.referral(ours.id))).toBeNull();
    expect(() => partnerCenter.referrals.microsoftUpdate(ours.id, { substatus: 'Won' })).toThrow(
      /only Microsoft's own referral/,
    );
  });
});
