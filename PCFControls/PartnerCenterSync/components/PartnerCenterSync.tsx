import * as React from 'react';
import type { OpportunityData, SyncEventView } from '../data';
import { FieldMapErrors } from './FieldMapErrors';
import { PreflightChecklist } from './PreflightChecklist';
import { ReferralDetails } from './ReferralDetails';
import { RelayActions } from './RelayActions';
import { StatusBadge } from './StatusBadge';
import { SyncEventList } from './SyncEventList';
import { SyncToggle } from './SyncToggle';
import type { PartnerCenterSyncProps } from './types';
import { errorText } from './useAsync';

interface EventsState {
  events: SyncEventView[];
  next: string | null;
  loading: boolean;
  error: string | null;
}

/** Sync history, newest first, one Web API page at a time; reloads from the top when `revision` changes. */
function useSyncEvents(data: OpportunityData, recordId: string | null, revision: string) {
  const [state, setState] = React.useState<EventsState>({
    events: [],
    next: null,
    loading: false,
    error: null,
  });
  const generation = React.useRef(0);

  const load = React.useCallback(
    (next: string | null, append: boolean) => {
      if (!recordId) return;
      const mine = ++generation.current;
      setState((s) => ({ ...s, loading: true, error: null, events: append ? s.events : [] }));
      data.syncEvents(recordId, next).then(
        (page) =>
          mine === generation.current &&
          setState((s) => ({
            events: append ? [...s.events, ...page.events] : page.events,
            next: page.next,
            loading: false,
            error: null,
          })),
        (error: unknown) =>
          mine === generation.current && setState((s) => ({ ...s, loading: false, error: errorText(error) })),
      );
    },
    [data, recordId],
  );

  React.useEffect(() => {
    load(null, false);
    return () => {
      generation.current += 1;
    };
  }, [load, revision]);

  return { ...state, more: () => load(state.next, true) };
}

export const PartnerCenterSync: React.FC<PartnerCenterSyncProps> = (props) => {
  const { t, recordId, toggle, status, referral, fieldMap, data, relay } = props;
  const history = useSyncEvents(data, recordId, props.revision);
  const newest = history.events[0];
  const failureMessage = newest?.outcome === 'failed' && newest.message ? newest.message : null;

  return (
    <div className="pcs-root">
      {fieldMap.ok ? null : <FieldMapErrors errors={fieldMap.errors} t={t} />}
      <div className="pcs-header">
        <SyncToggle toggle={toggle} t={t} onToggle={props.onToggle} />
        <StatusBadge status={status} failureMessage={failureMessage} t={t} />
      </div>
      {referral ? <ReferralDetails referral={referral} t={t} copyText={props.copyText} /> : null}
      {toggle.checked && fieldMap.ok && recordId ? (
        <PreflightChecklist
          recordId={recordId}
          map={fieldMap.map}
          overlay={props.overlay}
          revision={props.revision}
          lcid={props.lcid}
          data={data}
          t={t}
        />
      ) : null}
      {recordId ? (
        <RelayActions
          recordId={recordId}
          relay={relay}
          awaitingAnswer={referral?.awaitingAnswer ?? false}
          t={t}
        />
      ) : null}
      {recordId ? (
        <SyncEventList
          events={history.events}
          loading={history.loading}
          error={history.error}
          hasMore={history.next !== null}
          onMore={history.more}
          locale={props.locale}
          t={t}
        />
      ) : null}
    </div>
  );
};
