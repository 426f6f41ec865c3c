import { Link } from '@fluentui/react';
import * as React from 'react';
import type { SyncEventView } from '../data';
import type { StringKey, Translate } from '../strings';
import { dateTimeFormat } from '../viewModel';
import { Loading } from './Loading';

const DIRECTION: Record<NonNullable<SyncEventView['direction']>, StringKey> = {
  toPartnerCenter: 'Direction_ToPartnerCenter',
  toDataverse: 'Direction_ToDataverse',
};
const OUTCOME: Record<NonNullable<SyncEventView['outcome']>, StringKey> = {
  succeeded: 'Outcome_Succeeded',
  failed: 'Outcome_Failed',
  skipped: 'Outcome_Skipped',
};

export interface SyncEventListProps {
  events: SyncEventView[];
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  onMore: () => void;
  locale: string;
  t: Translate;
}

export const SyncEventList = React.memo<SyncEventListProps>((props) => {
  const { events, loading, error, hasMore, onMore, locale, t } = props;
  const time = dateTimeFormat(locale);
  return (
    <section className="pcs-events" aria-labelledby="pcs-events-title">
      <h3 id="pcs-events-title">{t('Events_Title')}</h3>
      {error ? <div role="alert">{t('Events_LoadFailed', error)}</div> : null}
      {!loading && !error && events.length === 0 ? <p>{t('Events_Empty')}</p> : null}
      <ol className="pcs-events__list">
        {events.map((event, index) => (
          <li key={event.id || index} className={`pcs-event pcs-event--${event.outcome ?? 'unknown'}`}>
            {/* Failures open by default: the message is what the seller needs to act on. */}
            <details open={event.outcome === 'failed'}>
              <summary>
                <span className="pcs-event__outcome">{event.outcome ? t(OUTCOME[event.outcome]) : ''}</span>
                {' · '}
                <span className="pcs-event__direction">
                  {event.direction ? t(DIRECTION[event.direction]) : ''}
                </span>
                {' · '}
                <time dateTime={event.occurredOn?.toISOString()}>
                  {event.occurredOn ? time.format(event.occurredOn) : ''}
                </time>
              </summary>
              <p className="pcs-event__message">{event.message}</p>
            </details>
          </li>
        ))}
      </ol>
      {loading ? <Loading label={t('Events_Loading')} /> : null}
      {hasMore && !loading ? <Link onClick={onMore}>{t('Events_More')}</Link> : null}
    </section>
  );
});
