import { Link } from '@fluentui/react';
import * as React from 'react';
import type { Translate } from '../strings';
import type { ReferralView } from '../viewModel';

export interface ReferralDetailsProps {
  referral: ReferralView;
  t: Translate;
  copyText: (text: string) => Promise<void>;
}

export const ReferralDetails = React.memo<ReferralDetailsProps>(({ referral, t, copyText }) => {
  const [copied, setCopied] = React.useState(false);
  const copy = () => {
    // Clipboard access can be refused (permissions policy in an iframe); the id stays selectable then.
    copyText(referral.id).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  const status = [referral.statusKey, referral.substatusKey]
    .flatMap((key) => (key ? [t(key)] : []))
    .join(' · ');
  return (
    <dl className="pcs-referral">
      <dt>{t('Referral_Label')}</dt>
      <dd>
        <code className="pcs-referral__id">{referral.id}</code>
        <Link className="pcs-referral__copy" aria-label={t('Referral_Copy')} onClick={copy}>
          {copied ? t('Referral_Copied') : t('Referral_Copy')}
        </Link>
        <Link href={referral.link} target="_blank" rel="noopener noreferrer" className="pcs-referral__open">
          {t('Referral_Open')}
        </Link>
      </dd>
      {status ? (
        <>
          <dt>{t('Referral_StatusLabel')}</dt>
          <dd className="pcs-referral__status">{status}</dd>
        </>
      ) : null}
    </dl>
  );
});
