/**
 * Which Partner Center events are no news: a change stamped (ResourceChangeUtcDate) no later than the
 * version Dynamics 365 holds (what the relay last wrote or applied) is in that version already.
 */
import { writtenEtagKey } from '../../../Relay/sync/deps';
import {
  forgetHeldVersion,
  instantTicks,
  isHeldChange,
  rememberHeldVersion,
} from '../../../Relay/sync/heldVersion';
import { createSyncTestbed } from '../../testkit/syncTestbed';

const ID = '6f1d4c0e-0000-4000-8000-00000000a11d';

describe('instantTicks', () => {
  it("reads Partner Center's 7-digit callback dates and its Z dates alike", () => {
    expect(instantTicks('2018-02-17T00:05:39.5485487+00:00')).toBe(
      instantTicks('2018-02-17T00:05:39.5485487Z'),
    );
    expect(instantTicks('2018-02-17T01:05:39.5485487+01:00')).toBe(
      instantTicks('2018-02-17T00:05:39.5485487Z'),
    );
    // Finer than a millisecond: two changes within one stay apart.
    expect(
      instantTicks('2018-02-17T00:05:39.5485488Z')! - instantTicks('2018-02-17T00:05:39.5485487Z')!,
    ).toBe(1n);
    expect(instantTicks('2018-02-17T00:05:39Z')).toBe(instantTicks('2018-02-17T00:05:39.0000000Z'));
    expect(instantTicks('yesterday')).toBeNull();
    expect(instantTicks(null)).toBeNull();
  });
});

describe('isHeldChange', () => {
  const bed = () => createSyncTestbed();

  it('an event no later than the held version is held; a later one, or none held, is news', async () => {
    const { store } = bed();
    expect(await isHeldChange(store, ID, '2026-03-01T10:00:00.1230000+00:00')).toBe(false);
    await rememberHeldVersion(store, { id: ID, eTag: '"e-2"', updatedDateTime: '2026-03-01T10:00:00.123Z' });
    expect(await store.getState(writtenEtagKey(ID))).toBe('"e-2"');
    expect(await isHeldChange(store, ID, '2026-03-01T10:00:00.1230000+00:00')).toBe(true);
    expect(await isHeldChange(store, ID.toUpperCase(), '2026-03-01T09:59:59.9990000+00:00')).toBe(true);
    expect(await isHeldChange(store, ID, '2026-03-01T10:00:00.1230001+00:00')).toBe(false);
    // An unreadable stamp is never taken for an echo.
    expect(await isHeldChange(store, ID, 'not a date')).toBe(false);
    expect(await isHeldChange(store, ID, null)).toBe(false);
  });

  it('a version without a date, or a forgotten one, holds nothing', async () => {
    const { store } = bed();
    await rememberHeldVersion(store, { id: ID, eTag: '"e-1"', updatedDateTime: '2026-03-01T10:00:00Z' });
    await rememberHeldVersion(store, { id: ID, eTag: '"e-2"', updatedDateTime: null });
    expect(await isHeldChange(store, ID, '2026-03-01T09:00:00Z')).toBe(false);
    await rememberHeldVersion(store, { id: ID, eTag: '"e-3"', updatedDateTime: '2026-03-01T10:00:00Z' });
    await forgetHeldVersion(store, ID);
    expect(await isHeldChange(store, ID, '2026-03-01T09:00:00Z')).toBe(false);
    expect(await store.getState(writtenEtagKey(ID))).toBeNull();
  });
});
