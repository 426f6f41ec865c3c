import { DefaultButton, MessageBar, MessageBarType, PrimaryButton, TextField } from '@fluentui/react';
import * as React from 'react';
import type { PreviewResponse, RelayClient } from '../../../Domain/relayApi';
import { relayErrorText } from '../relayErrors';
import type { StringKey, Translate } from '../strings';

type Outcome =
  | { kind: 'none' }
  | { kind: 'busy' }
  | { kind: 'done'; text: string }
  | { kind: 'failed'; text: string }
  | { kind: 'preview'; preview: PreviewResponse };

export interface RelayActionsProps {
  recordId: string;
  relay: RelayClient;
  /** An incoming referral still in New status: offer Accept / Decline. */
  awaitingAnswer: boolean;
  t: Translate;
}

const PREVIEW_TEXT: Record<PreviewResponse['action'], StringKey> = {
  create: 'Preview_create',
  update: 'Preview_update',
  none: 'Preview_none',
  blocked: 'Preview_blocked',
};

/** "Sync now", "Preview" and, for incoming referrals, "Accept" / "Decline (with a reason)". */
export const RelayActions = React.memo<RelayActionsProps>(({ recordId, relay, awaitingAnswer, t }) => {
  const [outcome, setOutcome] = React.useState<Outcome>({ kind: 'none' });
  const [declining, setDeclining] = React.useState(false);
  const [reason, setReason] = React.useState('');
  const [reasonError, setReasonError] = React.useState<string | undefined>(undefined);
  const busy = outcome.kind === 'busy';

  const run = <T,>(call: () => Promise<T>, done: (value: T) => Outcome) => {
    setOutcome({ kind: 'busy' });
    call().then(
      (value) => setOutcome(done(value)),
      (error: unknown) => setOutcome({ kind: 'failed', text: relayErrorText(error, t) }),
    );
  };

  const confirmDecline = () => {
    if (!reason.trim()) {
      setReasonError(t('Decline_ReasonRequired'));
      return;
    }
    setReasonError(undefined);
    setDeclining(false);
    run(
      () => relay.decline(recordId, reason.trim()),
      () => ({ kind: 'done', text: t('Actions_Declined') }),
    );
  };

  return (
    <section className="pcs-actions">
      {awaitingAnswer ? (
        <div className="pcs-incoming">
          <p>{t('Incoming_Title')}</p>
          <div className="pcs-buttons">
            <PrimaryButton
              text={t('Actions_Accept')}
              disabled={busy}
              onClick={() =>
                run(
                  () => relay.accept(recordId),
                  () => ({ kind: 'done', text: t('Actions_Accepted') }),
                )
              }
            />
            <DefaultButton text={t('Actions_Decline')} disabled={busy} onClick={() => setDeclining(true)} />
          </div>
          {declining ? (
            <div className="pcs-decline" role="group" aria-label={t('Actions_Decline')}>
              <TextField
                label={t('Decline_Reason')}
                multiline
                rows={2}
                required
                value={reason}
                errorMessage={reasonError}
                onChange={(_event, value) => setReason(value ?? '')}
              />
              <div className="pcs-buttons">
                <PrimaryButton text={t('Decline_Confirm')} onClick={confirmDecline} />
                <DefaultButton text={t('Decline_Cancel')} onClick={() => setDeclining(false)} />
              </div>
            </div>
          ) : null}
        </div>
      ) : null}
      <div className="pcs-buttons">
        <PrimaryButton
          text={t('Actions_SyncNow')}
          disabled={busy}
          onClick={() =>
            run(
              () => relay.syncNow(recordId),
              () => ({ kind: 'done', text: t('Actions_SyncQueued') }),
            )
          }
        />
        <DefaultButton
          text={t('Actions_Preview')}
          disabled={busy}
          onClick={() =>
            run(
              () => relay.preview(recordId),
              (preview) => ({ kind: 'preview', preview }),
            )
          }
        />
      </div>
      <div aria-live="polite" className="pcs-actions__result">
        {busy ? <span>{t('Actions_Busy')}</span> : null}
        {outcome.kind === 'done' ? (
          <MessageBar messageBarType={MessageBarType.success}>{outcome.text}</MessageBar>
        ) : null}
        {outcome.kind === 'failed' ? (
          <MessageBar messageBarType={MessageBarType.error} isMultiline>
            {outcome.text}
          </MessageBar>
        ) : null}
        {outcome.kind === 'preview' ? <PreviewResult preview={outcome.preview} t={t} /> : null}
      </div>
    </section>
  );
});

const PreviewResult: React.FC<{ preview: PreviewResponse; t: Translate }> = ({ preview, t }) => (
  <div className="pcs-preview">
    <h4>{t('Preview_Title')}</h4>
    <p>{t(PREVIEW_TEXT[preview.action], preview.patch?.length ?? 0)}</p>
    {preview.messages.length ? (
      <ul>
        {preview.messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    ) : null}
    {preview.referral || preview.patch ? (
      <details>
        <summary>JSON</summary>
        <pre>{JSON.stringify(preview.referral ?? preview.patch, null, 2)}</pre>
      </details>
    ) : null}
  </div>
);
