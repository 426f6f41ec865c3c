/**
 * The field map source over FormXml, with a fake clock: cached for the TTL, reloaded after it, the
 * recovery hook fired once when an invalid map becomes valid (this is how parked jobs resume without
 * anyone pressing anything), and the paused-job bookkeeping in the store.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import { fieldMapsInFormXml, setFieldMapInFormXml } from '../../../Domain/formXmlControls';
import { SqliteStore } from '../../../Relay/store/sqliteStore';
import { pausedKey, resumePaused } from '../../../Relay/sync/fieldMapPause';
import { createFieldMapSource, loadFieldMap } from '../../../Relay/sync/fieldMapSource';
import type { SyncSettings } from '../../../Relay/sync/settings';
import { FakeClock } from '../../testkit/clock';
import { FakeDataverse } from '../../testkit/fakeDataverse';
import { REPO_ROOT } from '../../testkit/paths';

const FORM_XML = readFileSync(
  path.join(
    REPO_ROOT,
    'Solution/Entities/Opportunity/FormXml/main/{6f3c2a10-5b7d-4c8e-9a41-2d0b8e7c5f01}.xml',
  ),
  'utf8',
);

const settings: SyncSettings = {
  showCheckmark: async () => true,
  variable: async () => null,
  invalidate: () => undefined,
  coSellCreationFlow: async () => 'one-step',
};

/** Dataverse with these published opportunity forms. */
function withForms(forms: Array<{ name: string; formxml: string }>): FakeDataverse {
  const dataverse = new FakeDataverse();
  dataverse.forms = forms.map((f, i) => ({ formid: `form-${i}`, ...f }));
  return dataverse;
}
const formReads = (dataverse: FakeDataverse) => dataverse.callsOf('getSystemForms').length;

describe('loadFieldMap', () => {
  it('treats key order and whitespace as the same map across forms', async () => {
    const reordered = JSON.stringify(
      {
        entries: DEFAULT_FIELD_MAP.entries.map((e) => Object.fromEntries(Object.entries(e).reverse())),
        version: 1,
      },
      null,
      2,
    );
    const dataverse = withForms([
      { name: 'Main', formxml: FORM_XML },
      { name: 'Sales', formxml: setFieldMapInFormXml(FORM_XML, reordered) },
    ]);
    const state = await loadFieldMap(dataverse, settings);
    expect(state).toMatchObject({ ok: true, source: 'form Main, Sales' });
  });

  it('names both forms when they disagree, and every validator error when the map is invalid', async () => {
    const two = withForms([
      { name: 'Main', formxml: FORM_XML },
      { name: 'Sales', formxml: setFieldMapInFormXml(FORM_XML, '{"version":1,"entries":[]}') },
    ]);
    expect(await loadFieldMap(two, settings)).toMatchObject({
      ok: false,
      forms: ['Main', 'Sales'],
      // One form each: the customized map wins over the one equal to the default, so Main is to fix.
      formsToFix: ['Main'],
      errors: ['the opportunity forms carry different field maps ("Main" vs "Sales")'],
    });
    const bad = withForms([
      {
        name: 'Main',
        formxml: setFieldMapInFormXml(
          FORM_XML,
          '{"version":1,"entries":[{"referral":"id","table":"opportunity","column":"pcs_referralid","direction":"both"},{"referral":"x"}]}',
        ),
      },
    ]);
    const state = await loadFieldMap(bad, settings);
    expect(state.ok).toBe(false);
    if (state.ok) return;
    expect(state.errors).toEqual([
      "entries[0] (id): direction must be 'toDataverse' for 'id'",
      expect.stringMatching(/^entries\[1\] \(x\): table: expected one of /),
      expect.stringMatching(/^entries\[1\] \(x\): column: /),
      expect.stringMatching(
        /^entries\[1\] \(x\): direction: expected one of both, toPartnerCenter, toDataverse/,
      ),
    ]);
    expect(state.message).toMatch(
      /^Sync is paused: the field map on form "Main" is invalid: entries\[0\] \(id\)/,
    );
  });
});

describe('several forms carrying the control', () => {
  const EMPTY = setFieldMapInFormXml(FORM_XML, '');
  /** The form designer leaves no fieldMap element at all when the property was never set. */
  const WITHOUT_PARAMETER = EMPTY.replace(/<fieldMap [^>]*\/>|<fieldMap [^>]*><\/fieldMap>/g, '');
  const notesOnly = (direction: string) =>
    JSON.stringify({
      version: 1,
      entries: [{ referral: 'details.notes', table: 'opportunity', column: 'description', direction }],
    });

  it('an empty fieldMap means the default map and takes no part in the comparison', async () => {
    expect(WITHOUT_PARAMETER).not.toContain('<fieldMap');
    expect(fieldMapsInFormXml(WITHOUT_PARAMETER)).toEqual(['', '', '']);
    expect(fieldMapsInFormXml(EMPTY)).toEqual(['', '', '']);
    // Only empty forms: the default map.
    expect(
      await loadFieldMap(
        withForms([
          { name: 'Sales', formxml: EMPTY },
          { name: 'Field sales', formxml: WITHOUT_PARAMETER },
        ]),
        settings,
      ),
    ).toEqual({ ok: true, map: DEFAULT_FIELD_MAP, source: 'default map' });
    // Empty forms beside the shipped form (default map written out): no conflict.
    expect(
      await loadFieldMap(
        withForms([
          { name: 'Main', formxml: FORM_XML },
          { name: 'Sales', formxml: EMPTY },
          { name: 'Field sales', formxml: WITHOUT_PARAMETER },
        ]),
        settings,
      ),
    ).toMatchObject({ ok: true, map: DEFAULT_FIELD_MAP, source: 'form Main' });
    // Empty forms beside one customized form: the customized map is in force.
    const state = await loadFieldMap(
      withForms([
        { name: 'Sales', formxml: EMPTY },
        { name: 'Custom', formxml: setFieldMapInFormXml(FORM_XML, notesOnly('toDataverse')) },
      ]),
      settings,
    );
    expect(state).toMatchObject({ ok: true, source: 'form Custom' });
    expect(state.ok && state.map.entries).toEqual([
      { referral: 'details.notes', table: 'opportunity', column: 'description', direction: 'toDataverse' },
    ]);
  });

  it('two non-empty maps that differ: names every form and says which to fix (the minority)', async () => {
    const state = await loadFieldMap(
      withForms([
        { name: 'Main', formxml: FORM_XML },
        { name: 'Sales', formxml: EMPTY },
        { name: 'West', formxml: setFieldMapInFormXml(FORM_XML, notesOnly('both')) },
        { name: 'East', formxml: setFieldMapInFormXml(FORM_XML, notesOnly('both')) },
      ]),
      settings,
    );
    expect(state).toMatchObject({
      ok: false,
      forms: ['Main', 'West', 'East'],
      formsToFix: ['Main'],
      errors: ['the opportunity forms carry different field maps ("Main" vs "West", "East")'],
    });
    expect(!state.ok && state.message).toBe(
      'Sync is paused: the opportunity forms carry different field maps ("Main" vs "West", "East"). ' +
        'Fix form "Main": set the fieldMap property of the Partner Center sync control to the map of form ' +
        '"West", or leave it empty to use that map, then publish; paused records resume by themselves.',
    );
  });

  it('a form whose form factors disagree is the one to fix', async () => {
    const phoneDiffers = setFieldMapInFormXml(FORM_XML, notesOnly('both')).replace(
      /(<customControl formFactor="2"[\s\S]*?<fieldMap [^>]*>)[^<]*/,
      (_match, head: string) => `${head}${notesOnly('toDataverse').replace(/"/g, '&quot;')}`,
    );
    const state = await loadFieldMap(withForms([{ name: 'Main', formxml: phoneDiffers }]), settings);
    expect(state).toMatchObject({ ok: false, forms: ['Main'], formsToFix: ['Main'] });
    expect(!state.ok && state.message).toContain(
      'Make the fieldMap property of the Partner Center sync control identical on every form factor of form "Main"',
    );
  });

  it('an invalid map names only the forms that carry it', async () => {
    const state = await loadFieldMap(
      withForms([
        { name: 'Sales', formxml: EMPTY },
        { name: 'Custom', formxml: setFieldMapInFormXml(FORM_XML, '{oops') },
      ]),
      settings,
    );
    expect(state).toMatchObject({ ok: false, forms: ['Custom'], formsToFix: ['Custom'] });
    expect(!state.ok && state.message).toMatch(/^Sync is paused: the field map on form "Custom" is invalid/);
  });
});

describe('createFieldMapSource', () => {
  it('caches for the TTL, reloads after it, and fires onRecovered once when the map becomes valid', async () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const dv = withForms([{ name: 'Main', formxml: setFieldMapInFormXml(FORM_XML, '{oops') }]);
    const onRecovered = jest.fn(async () => undefined);
    const source = createFieldMapSource(dv, settings, clock, 60_000, { onRecovered });

    expect((await source.current()).ok).toBe(false);
    expect((await source.current()).ok).toBe(false);
    expect(formReads(dv)).toBe(1);

    // The customizer fixes the form; the relay sees it once the TTL has passed, by itself.
    dv.forms[0] = { formid: 'form-0', name: 'Main', formxml: FORM_XML };
    clock.advance(59_000);
    expect((await source.current()).ok).toBe(false);
    clock.advance(1_000);
    expect(await source.current()).toMatchObject({ ok: true, map: DEFAULT_FIELD_MAP });
    expect(formReads(dv)).toBe(2);
    expect(onRecovered).toHaveBeenCalledTimes(1);

    // Valid after valid is no recovery.
    await source.refresh();
    expect(onRecovered).toHaveBeenCalledTimes(1);
    expect(fieldMapsInFormXml(dv.forms[0]!.formxml)).toHaveLength(3);
  });

  it("for a caller that checks the forms' versions, keeps the map until a form changes", async () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const dv = withForms([{ name: 'Main', formxml: FORM_XML }]);
    const source = createFieldMapSource(dv, settings, clock, 60_000);
    const read = source.formVersionsRead();
    const versions = () => dv.retrieveMultiple(read.entitySet, read.query);

    expect((await source.current({ versionsChecked: true })).ok).toBe(true);
    clock.advance(3_600_000);
    expect(source.noteFormVersions(await versions())).toBe(false);
    expect((await source.current({ versionsChecked: true })).ok).toBe(true);
    expect(formReads(dv)).toBe(1);

    dv.forms[0] = { formid: 'form-0', name: 'Main', formxml: setFieldMapInFormXml(FORM_XML, '{oops') };
    expect(source.noteFormVersions(await versions())).toBe(true);
    expect((await source.current({ versionsChecked: true })).ok).toBe(false);
    expect(formReads(dv)).toBe(2);
    // The versions read with the new map are its own: nothing more to reload.
    expect(source.noteFormVersions(await versions())).toBe(false);
  });

  it('does not cache a failed read', async () => {
    const dataverse = withForms([{ name: 'Main', formxml: FORM_XML }]);
    dataverse.failNext('getSystemForms', new Error('network'));
    const source = createFieldMapSource(dataverse, settings, new FakeClock(), 60_000);
    await expect(source.current()).rejects.toThrow('network');
    expect((await source.current()).ok).toBe(true);
  });
});

describe('paused jobs in the store', () => {
  it('wakes every paused job key at once and leaves others alone', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const store = new SqliteStore({ filename: ':memory:', now: () => t0 });
    try {
      const later = new Date(t0.getTime() + 3_600_000);
      await store.enqueue([
        { kind: 'opportunity.sync', key: 'opportunity:a', payload: {}, runAt: later },
        { kind: 'referral.pull', key: 'referral:b', payload: {}, runAt: later },
        { kind: 'opportunity.sync', key: 'opportunity:c', payload: {}, runAt: later },
      ]);
      await store.setState(pausedKey('opportunity:a'), 'map invalid');
      await store.setState(pausedKey('referral:b'), 'map invalid');
      await store.setState('paused_not:opportunity:c', 'unrelated key sharing the prefix letters');
      expect((await store.listState('paused:')).map((s) => s.key)).toEqual([
        'paused:opportunity:a',
        'paused:referral:b',
      ]);
      expect(await resumePaused(store, t0)).toBe(2);
      expect((await store.claim(t0))?.key).toBe('opportunity:a');
      expect((await store.claim(t0))?.key).toBe('referral:b');
      expect(await store.claim(t0)).toBeNull();
      await store.deleteState(pausedKey('opportunity:a'));
      expect(await store.getState(pausedKey('opportunity:a'))).toBeNull();
    } finally {
      await store.close();
    }
  });
});
