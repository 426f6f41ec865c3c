import { MessageBar, MessageBarType } from '@fluentui/react';
import * as React from 'react';
import type { FieldMapError } from '../../../Domain/fieldMap';
import type { Translate } from '../strings';

export const FieldMapErrors: React.FC<{ errors: FieldMapError[]; t: Translate }> = ({ errors, t }) => (
  <MessageBar messageBarType={MessageBarType.severeWarning} isMultiline className="pcs-fieldmap-errors">
    <div>{t('FieldMap_Invalid')}</div>
    <ul>
      {errors.map((error, index) => (
        <li key={index}>
          {error.entry === null
            ? error.message
            : t('FieldMap_Entry', error.entry + 1, error.referral ?? '', error.message)}
        </li>
      ))}
    </ul>
  </MessageBar>
);
