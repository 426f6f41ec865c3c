import { Link, Persona, PersonaSize } from '@fluentui/react';
import * as React from 'react';
import type { MicrosoftSide } from '../data';
import type { StringKey, Translate } from '../strings';
import { dateTimeFormat, microsoftStatusKey, relativeTime } from '../viewModel';

export interface MicrosoftSectionProps {
  /** Loaded from the opportunity; null until Microsoft engaged or sent the referral. */
  microsoft: MicrosoftSide | null;
  /** Bound property: Microsoft's CRM (MSX) id. */
  microsoftCrmId: string | null;
  now: Date;
  locale: string;
  t: Translate;
}

/** Microsoft's side of the deal: who engaged, when, Microsoft's status, note and CRM id. */
export const MicrosoftSection = React.memo<MicrosoftSectionProps>((props) => {
  const { microsoft, microsoftCrmId, now, locale, t } = props;
  if (!microsoft && !microsoftCrmId) return null;
  const time = dateTimeFormat(locale);
  const when = (date: Date) => (
    <time dateTime={date.toISOString()} title={time.format(date)}>
      {relativeTime(date, now, locale)}
    </time>
  );
  // A label and its value, when the value is known.
  const fact = (label: StringKey, value: React.ReactNode) =>
    value ? (
      <>
        <dt>{t(label)}</dt>
        <dd>{value}</dd>
      </>
    ) : null;
  const statusKey = microsoftStatusKey(microsoft?.status ?? null);
  const email = microsoft?.sellerEmail;
  return (
    <section className="pcs-microsoft" aria-labelledby="pcs-microsoft-title">
      <h3 id="pcs-microsoft-title">{t('Microsoft_Title')}</h3>
      {microsoft?.sellerName || email ? (
        <Persona
          className="pcs-microsoft__seller"
          size={PersonaSize.size40}
          text={microsoft?.sellerName ?? email ?? ''}
          secondaryText={email ?? undefined}
          onRenderSecondaryText={() => (email ? <Link href={`mailto:${email}`}>{email}</Link> : null)}
          aria-label={t('Microsoft_Seller')}
        />
      ) : null}
      <dl className="pcs-referral">
        {fact('Microsoft_Status', statusKey && t(statusKey))}
        {fact('Microsoft_Engaged', microsoft?.engagedOn && when(microsoft.engagedOn))}
        {fact('Microsoft_Updated', microsoft?.updatedOn && when(microsoft.updatedOn))}
        {fact('MicrosoftCrmId_Label', microsoftCrmId)}
      </dl>
      {microsoft?.notes ? (
        <figure className="pcs-microsoft__notes">
          <figcaption>{t('Microsoft_Notes')}</figcaption>
          <blockquote>{microsoft.notes}</blockquote>
        </figure>
      ) : null}
    </section>
  );
});
