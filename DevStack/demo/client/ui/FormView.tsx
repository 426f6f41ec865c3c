/**
 * The main form: command bar, form notifications, script errors, tabs → sections → cells, each cell
 * a classic field, a subgrid or the hosted PCF control, with field notifications and required marks.
 * After a save the form re-reads the record for a while, so the relay's write-back (✔, referral
 * link) shows up without a manual refresh.
 */
import * as React from 'react';
import { PcfControl } from '../../../../Domain/constants';
import { customControlFor, pickLabel, type FormCell, type FormSection } from '../model/formXml';
import type { FormSession } from '../session';
import { Field } from './Field';
import { t, useHost, useSubscription } from './host';
import { PcfCell } from './PcfCell';
import { Subgrid } from './Subgrid';

interface FormViewProps {
  session: FormSession;
  onSaved(): void;
}

const POLL_MS = 1000;
const POLL_ROUNDS = 20;

export function FormView({ session, onSaved }: FormViewProps): React.ReactElement {
  const { runtime, form } = session;
  const { webApi } = useHost();
  useSubscription(runtime);
  const lcid = runtime.lcid;
  const visibleTabs = form.model.tabs.filter((tab) => runtime.tabVisibility.get(tab.name) ?? tab.visible);
  const [tabName, setTabName] = React.useState(visibleTabs[0]?.name ?? '');
  const [saveState, setSaveState] = React.useState<string>('');
  const [refreshTick, setRefreshTick] = React.useState(0);
  const polling = React.useRef<number | null>(null);

  const reload = React.useCallback(async () => {
    if (!runtime.recordId) return;
    runtime.applyRecord(await webApi.retrieveRecord(runtime.entityName, runtime.recordId));
    setRefreshTick((n) => n + 1);
  }, [runtime, webApi]);

  React.useEffect(
    () => () => {
      if (polling.current !== null) window.clearInterval(polling.current);
    },
    [],
  );

  const save = async () => {
    setSaveState('saving');
    const result = await runtime.save();
    setSaveState(result.saved ? 'saved' : result.reason === 'prevented' ? 'prevented' : 'failed');
    if (!result.saved) return;
    onSaved();
    await reload();
    let rounds = 0;
    if (polling.current !== null) window.clearInterval(polling.current);
    polling.current = window.setInterval(() => {
      rounds += 1;
      if (rounds > POLL_ROUNDS && polling.current !== null) window.clearInterval(polling.current);
      void reload().catch(() => undefined);
    }, POLL_MS);
  };

  const tab = visibleTabs.find((candidate) => candidate.name === tabName) ?? visibleTabs[0];
  const title = String(runtime.value('name') ?? runtime.value('subject') ?? '');
  return (
    <div className="form" data-testid="form">
      <div className="command-bar">
        <button data-testid="cmd-save" onClick={() => void save()}>
          {t('save', lcid)}
        </button>
        <button data-testid="cmd-refresh" onClick={() => void reload()}>
          {t('refresh', lcid)}
        </button>
        <span className="save-state" data-testid="save-state">
          {runtime.isDirty() ? t('unsaved', lcid) : saveState === 'saved' ? t('saved', lcid) : ''}
          {saveState === 'prevented' || saveState === 'failed' ? ` (${saveState})` : ''}
        </span>
      </div>
      <h2 data-testid="form-title">{title}</h2>
      <div className="form-notifications" data-testid="form-notifications">
        {[...runtime.formNotifications.entries()].map(([id, notification]) => (
          <div key={id} className={`form-notification level-${notification.level.toLowerCase()}`}>
            {notification.message}
          </div>
        ))}
        {runtime.scriptErrors.map((error, index) => (
          <div key={`e${index}`} className="script-error" data-testid="script-error">
            Script error in {error.handler}: {error.message}
          </div>
        ))}
      </div>
      <div className="tabs" role="tablist">
        {visibleTabs.map((candidate) => (
          <button
            key={candidate.name}
            role="tab"
            aria-selected={candidate === tab}
            data-testid={`tab-${candidate.name}`}
            className={candidate === tab ? 'tab selected' : 'tab'}
            onClick={() => setTabName(candidate.name)}
          >
            {pickLabel(candidate.labels, lcid) ?? candidate.name}
          </button>
        ))}
      </div>
      {tab && (
        <div className="tab-body">
          {tab.columns.map((sections, index) => (
            <div className="column" key={index}>
              {sections
                .filter((section) => runtime.sectionVisibility.get(section.name) ?? section.visible)
                .map((section) => (
                  <Section
                    key={section.id || section.name}
                    section={section}
                    session={session}
                    refreshTick={refreshTick}
                  />
                ))}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function Section({
  section,
  session,
  refreshTick,
}: {
  section: FormSection;
  session: FormSession;
  refreshTick: number;
}) {
  const lcid = session.runtime.lcid;
  return (
    <section className="section" data-testid={`section-${section.name}`}>
      {section.showLabel && <h3>{pickLabel(section.labels, lcid) ?? section.name}</h3>}
      {section.rows.map((row, index) => (
        <div className="row" key={index}>
          {row.map((cell) => (
            <Cell key={cell.id} cell={cell} session={session} refreshTick={refreshTick} />
          ))}
        </div>
      ))}
    </section>
  );
}

function Cell({ cell, session, refreshTick }: { cell: FormCell; session: FormSession; refreshTick: number }) {
  const { runtime, form } = session;
  const control = cell.control;
  // The first control of a column keeps its FormXml id as its name (formRuntime numbers later ones).
  const state = control ? runtime.controls.get(control.id) : undefined;
  if (!control || !cell.visible || state?.visible === false) return null;
  const column = control.dataFieldName;
  const meta = column ? runtime.meta(column) : undefined;
  const lcid = runtime.lcid;
  const label =
    state?.label ??
    cell.labels[lcid] ??
    meta?.displayName[lcid] ??
    pickLabel(cell.labels, lcid) ??
    meta?.displayName[1033] ??
    column ??
    control.id;
  const required = column ? runtime.requiredLevel(column) : 'none';
  const custom = customControlFor(form.model, control, PcfControl.fullName);
  let body: React.ReactNode;
  if (custom) {
    body = <PcfCell runtime={runtime} controlName={control.id} customControl={custom} label={label} />;
  } else if (control.subgrid) {
    body = <Subgrid runtime={runtime} control={control} refreshTick={refreshTick} />;
  } else if (column) {
    body = <Field runtime={runtime} column={column} disabled={state?.disabled ?? false} />;
  }
  return (
    <div className="cell" data-testid={`field-${control.id}`}>
      {cell.showLabel && label && (
        <label htmlFor={`input-${column}`} className="cell-label">
          {label}
          {required === 'required' && (
            <span className="required" aria-label="required">
              {' '}
              *
            </span>
          )}
          {required === 'recommended' && <span className="recommended"> +</span>}
        </label>
      )}
      <div className="cell-control">{body}</div>
      {state &&
        [...state.notifications.entries()].map(([id, message]) => (
          <div key={id} className="field-notification" data-testid={`notification-${control.id}`}>
            {message}
          </div>
        ))}
    </div>
  );
}
