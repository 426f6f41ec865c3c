/**
 * Referral seed builders: a referral Microsoft sends, shaped as one of Partner Center's documentation
 * samples (the fixtures), received by the fake Partner Center with its own id, eTag and timestamps.
 */
import type { StoredReferral } from '../../Domain/referral';
import { partnerCenter as partnerCenterSample } from './fixtureFiles';
import type { FakePartnerCenter } from './fakePartnerCenter';

/** What the service assigns, never taken from a sample. */
const ASSIGNED = [
  'id',
  'engagementId',
  'eTag',
  'links',
  'createdDateTime',
  'updatedDateTime',
  'organizationId',
  'organizationName',
];

/** The sample's business content (customer, details, status…) without what the service assigns. */
export function referralSample(file = 'referral-get-by-id.response.json'): Record<string, unknown> {
  const sample = partnerCenterSample(file) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(sample).filter(([key]) => !key.startsWith('@odata.') && !ASSIGNED.includes(key)),
  );
}

/** Microsoft sends the partner this sample referral (changed by `overrides`); Partner Center stores it. */
export function receiveReferral(
  partnerCenter: FakePartnerCenter,
  file?: string,
  overrides: Record<string, unknown> = {},
): StoredReferral {
  return partnerCenter.receive({ ...referralSample(file), ...overrides });
}
