import { MessageBar, MessageBarType } from '@fluentui/react';
import * as React from 'react';
import type { Translate } from '../strings';
import type { ExpiryView } from '../viewModel';

/** "Expires in 5 days"; under three days (or passed) a warning that says what happens then. */
export const ReferralDeadline: React.FC<{ expiry: ExpiryView; t: Translate }> = ({ expiry, t }) => {
  const text = (
    <>
      <time title={expiry.date}>{t(expiry.expired ? 'Expiry_Passed' : 'Expiry_In', expiry.relative)}</time>
      {expiry.estimated ? <span className="pcs-deadline__estimated"> {t('Expiry_Estimated')}</span> : null}
    </>
  );
  if (!expiry.warning && !expiry.expired) return <p className="pcs-deadline">{text}</p>;
  return (
    <MessageBar
      className="pcs-deadline pcs-deadline--warning"
      messageBarType={expiry.expired ? MessageBarType.severeWarning : MessageBarType.warning}
      isMultiline
    >
      <div>{text}</div>
      {expiry.expired ? null : <div>{t('Expiry_Hint')}</div>}
    </MessageBar>
  );
};
