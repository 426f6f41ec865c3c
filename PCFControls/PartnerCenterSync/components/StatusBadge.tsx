import * as React from 'react';
import type { Translate } from '../strings';
import type { StatusView } from '../viewModel';

const SYMBOL = { synced: '✔', error: '✖', pending: '…', off: '○' } as const;

export interface StatusBadgeProps {
  status: StatusView;
  /** Newest failure from the sync history, preferred over the audit line once loaded. */
  failureMessage: string | null;
  t: Translate;
}

export const StatusBadge: React.FC<StatusBadgeProps> = ({ status, failureMessage, t }) => {
  let text: string;
  switch (status.kind) {
    case 'synced':
      text = status.syncedAgo ? t('Status_Synced', status.syncedAgo) : t('Status_SyncedNoTime');
      break;
    case 'error':
      text = t('Status_Error');
      break;
    case 'pending':
      text = t('Status_Pending');
      break;
    default:
      text = t('Status_Off');
  }
  const message = status.kind === 'error' ? (failureMessage ?? status.message) : null;
  return (
    // role=status: screen readers announce the change when a sync completes while the form is open.
    <div className={`pcs-badge pcs-badge--${status.kind}`} role="status" aria-label={t('Status_Label')}>
      <span className="pcs-badge__symbol" aria-hidden="true">
        {SYMBOL[status.kind]}
      </span>
      <span className="pcs-badge__text">{text}</span>
      {message ? <span className="pcs-badge__message">{message}</span> : null}
    </div>
  );
};
