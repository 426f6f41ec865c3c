/**
 * The demo app: language and user, the opportunity and lead lists (polled, so records the relay
 * creates from Partner Center appear), the open form, and the Microsoft and form-editor panels.
 */
import * as React from 'react';
import {
  LANGUAGES,
  LeadColumns,
  OpportunityColumns as O,
  OpportunityForm,
  Tables,
} from '../../../../Domain/constants';
import type { DataverseRecord } from '../../../../Domain/opportunity';
import { SystemUserNameColumn } from '../model/platformNames';
import { listLeads, listOpportunities } from '../platform/loaders';
import { DataverseWebApi } from '../platform/webApi';
import { createGlobalContext, createXrm, type Dialogs, type UserInfo } from '../platform/xrm';
import { openForm, type FormSession } from '../session';
import { FormEditorPanel } from './FormEditorPanel';
import { FormView } from './FormView';
import { HostContext, t, type Host } from './host';
import { MicrosoftPanel } from './MicrosoftPanel';

const LANGUAGE_NAMES: Record<number, string> = {
  1033: 'English',
  1046: 'Português (Brasil)',
  3082: 'Español',
};
const LIST_POLL_MS = 2000;
const FORMATTED = '@OData.Community.Display.V1.FormattedValue';

const params = new URLSearchParams(window.location.search);

function selectedFromHash(): { table: string; id: string } | null {
  const [table, id] = window.location.hash.replace(/^#/, '').split('/');
  return table && id ? { table, id } : null;
}

export function App(): React.ReactElement {
  const clientUrl = window.location.origin;
  const webApi = React.useMemo(
    () => new DataverseWebApi(clientUrl, (url, init) => fetch(url, init)),
    [clientUrl],
  );
  const [lcid, setLcid] = React.useState(Number(params.get('lcid')) || 1033);
  const [userRow, setUserRow] = React.useState<{ id: string; name: string } | null>(null);
  const [opportunities, setOpportunities] = React.useState<DataverseRecord[]>([]);
  const [leads, setLeads] = React.useState<DataverseRecord[]>([]);
  const [selected, setSelected] = React.useState(selectedFromHash);
  const [session, setSession] = React.useState<FormSession | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [alerts, setAlerts] = React.useState<string[]>([]);
  const [formVersion, setFormVersion] = React.useState(0);
  // Survives the form reload that follows a publish (the editor panel remounts with the new FormXml).
  const [editorNotice, setEditorNotice] = React.useState('');

  React.useEffect(() => {
    // The signed-in user, as the platform knows it: WhoAmI, then the user's name.
    const fallback = { id: '00000000-0000-0000-0000-000000000001', name: 'Seller' };
    webApi
      .getJson<{ UserId: string }>('WhoAmI')
      .then(async ({ UserId }) => {
        const row = await webApi
          .retrieveRecord(Tables.systemuser, UserId, `?$select=${SystemUserNameColumn}`)
          .catch(() => ({}));
        setUserRow({
          id: UserId,
          name: String((row as DataverseRecord)[SystemUserNameColumn] ?? fallback.name),
        });
      })
      .catch(() => setUserRow(fallback));
  }, [webApi]);

  const refreshLists = React.useCallback(() => {
    void listOpportunities(webApi)
      .then(setOpportunities)
      .catch((failure: Error) => setError(failure.message));
    void listLeads(webApi)
      .then(setLeads)
      .catch(() => setLeads([]));
  }, [webApi]);

  React.useEffect(() => {
    refreshLists();
    const timer = window.setInterval(refreshLists, LIST_POLL_MS);
    const onHash = () => setSelected(selectedFromHash());
    window.addEventListener('hashchange', onHash);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('hashchange', onHash);
    };
  }, [refreshLists]);

  const host: Host | null = React.useMemo(() => {
    if (!userRow) return null;
    const user: UserInfo = { lcid, userId: userRow.id, userName: userRow.name };
    const dialogs: Dialogs = {
      alert: async (text) => setAlerts((current) => [...current, text]),
      confirm: async (text) => window.confirm(text),
      openUrl: (url) => void window.open(url, '_blank', 'noopener'),
    };
    return { webApi, user, dialogs, clientUrl };
  }, [webApi, userRow, lcid, clientUrl]);

  React.useEffect(() => {
    if (!host || !selected || selected.table !== Tables.opportunity) {
      setSession(null);
      return;
    }
    let live = true;
    let current: FormSession | null = null;
    const globalContext = createGlobalContext(host.user, clientUrl);
    (window as unknown as { Xrm: unknown }).Xrm = createXrm(
      webApi,
      globalContext,
      () => current?.runtime.formContext,
      host.dialogs,
    );
    (window as unknown as { GetGlobalContext: unknown }).GetGlobalContext = () => globalContext;
    setSession(null);
    setError(null);
    openForm(webApi, globalContext, selected.table, selected.id, OpportunityForm.id, host.user.lcid)
      .then(async (opened) => {
        if (!live) return;
        current = opened;
        setSession(opened);
        await opened.runtime.runOnLoad();
      })
      .catch((failure: Error) => live && setError(failure.message));
    return () => {
      live = false;
    };
  }, [host, selected, webApi, clientUrl, formVersion]);

  if (!host) return <div className="loading">Loading…</div>;
  const open = (table: string, id: string) => {
    window.location.hash = `${table}/${id}`;
  };
  const referralId = session ? (session.runtime.value(O.referralId) as string | null) : null;

  return (
    <HostContext.Provider value={host}>
      <header className="app-header">
        <strong>Dynamics 365 — Partner Center co-sell (sandbox)</strong>
        <label>
          {' '}
          <select
            data-testid="language"
            aria-label="language"
            value={lcid}
            onChange={(event) => setLcid(Number(event.target.value))}
          >
            {LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {LANGUAGE_NAMES[language]}
              </option>
            ))}
          </select>
        </label>
        <span className="muted"> {host.user.userName}</span>
      </header>
      <div className="layout">
        <nav className="lists">
          <h3>{t('opportunities', lcid)}</h3>
          <ul data-testid="opportunity-list">
            {opportunities.map((row) => (
              <li key={String(row[O.id])}>
                <a
                  href={`#${Tables.opportunity}/${String(row[O.id])}`}
                  onClick={() => open(Tables.opportunity, String(row[O.id]))}
                >
                  {String(row[O.name] ?? '')}
                </a>
                <span className="muted"> {String(row[`${O.syncStatus}${FORMATTED}`] ?? '')}</span>
              </li>
            ))}
          </ul>
          <h3>{t('leads', lcid)}</h3>
          <ul data-testid="lead-list">
            {leads.map((row) => (
              <li key={String(row[LeadColumns.id])}>
                {String(row[LeadColumns.subject] ?? '')}{' '}
                <span className="muted">{String(row[LeadColumns.companyName] ?? '')}</span>
              </li>
            ))}
          </ul>
        </nav>
        <main className="main">
          {error && <div className="script-error">{error}</div>}
          {alerts.map((text, index) => (
            <div key={index} className="dialog" role="alertdialog">
              {text}{' '}
              <button onClick={() => setAlerts((current) => current.filter((_, i) => i !== index))}>
                OK
              </button>
            </div>
          ))}
          {session ? (
            <FormView
              key={`${session.runtime.recordId}-${lcid}-${formVersion}`}
              session={session}
              onSaved={refreshLists}
            />
          ) : (
            selected && !error && <div className="loading">Loading form…</div>
          )}
        </main>
        <aside className="panels">
          <MicrosoftPanel referralId={referralId} onChanged={refreshLists} />
          {session && (
            <FormEditorPanel
              form={session.form}
              notice={editorNotice}
              onPublished={() => {
                setEditorNotice('published');
                setFormVersion((n) => n + 1);
              }}
            />
          )}
        </aside>
      </div>
    </HostContext.Provider>
  );
}
