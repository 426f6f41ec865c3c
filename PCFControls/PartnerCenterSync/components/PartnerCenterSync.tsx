import * as React from 'react';
import type { DealSide, OpportunityData, SyncEventView } from '../data';
import { expiryView } from '../viewModel';
import { FieldMapErrors } from './FieldMapErrors';
import { MicrosoftSection } from './MicrosoftSection';
import { PreflightChecklist } from './PreflightChecklist';
import { ReferralDeadline } from './ReferralDeadline';
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
  // Loading from the first paint when there is a record: no "no history yet" flash, no extra render.
  const [state, setState] = React.useState<EventsState>({
    events: [],
    next: null,
    loading: recordId !== null,
    error: null,
  });
  const generation = React.useRef(0);
  const nextPage = React.useRef<string | null>(null);
  nextPage.current = state.next;

  const load = React.useCallback(
    (next: string | null, append: boolean) => {
      if (!recordId) return;
      const mine = ++generation.current;
      // Already loading from the top: the same state, so React skips the render.
      setState((s) =>
        s.loading && !s.events.length
          ? s
          : { ...s, loading: true, error: null, events: append ? s.events : [] },
      );
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

  // Stable, so the memoized list skips renders its inputs do not change.
  const more = React.useCallback(() => load(nextPage.current, true), [load]);
  return { ...state, more };
}

/** Expiry and Microsoft's side, re-read whenever the relay wrote back; null until loaded (or unreadable). */
function useDealSide(data: OpportunityData, recordId: string | null, revision: string): DealSide | null {
  const [deal, setDeal] = React.useState<DealSide | null>(null);
  React.useEffect(() => {
    if (!recordId) return undefined;
    let current = true;
    // Unreadable (no privilege, columns of an older solution): the sections stay hidden.
    data.dealSide(recordId).then(
      (loaded) => current && setDeal(loaded),
      () => current && setDeal(null),
    );
    return () => {
      current = false;
    };
  }, [data, recordId, revision]);
  return deal;
}

export const PartnerCenterSync: React.FC<PartnerCenterSyncProps> = (props) => {
  const { t, recordId, toggle, status, referral, fieldMap, data, relay } = props;
  const history = useSyncEvents(data, recordId, props.revision);
  const deal = useDealSide(data, recordId, props.revision);
  const newest = history.events[0];
  const failureMessage = newest?.outcome === 'failed' && newest.message ? newest.message : null;
  const expiry = expiryView(
    { expiresOn: deal?.expiresOn ?? null, estimated: deal?.expiryEstimated ?? false, referral },
    props.now,
    props.locale,
  );

  return (
    <div className="pcs-root">
      {fieldMap.ok ? null : <FieldMapErrors errors={fieldMap.errors} t={t} />}
      <div className="pcs-header">
        <SyncToggle toggle={toggle} t={t} onToggle={props.onToggle} />
        <StatusBadge status={status} failureMessage={failureMessage} t={t} />
      </div>
      {referral ? <ReferralDetails referral={referral} t={t} copyText={props.copyText} /> : null}
      {expiry ? <ReferralDeadline expiry={expiry} t={t} /> : null}
      <MicrosoftSection
        microsoft={deal?.microsoft ?? null}
        microsoftCrmId={referral?.microsoftCrmId ?? null}
        now={props.now}
        locale={props.locale}
        t={t}
      />
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
