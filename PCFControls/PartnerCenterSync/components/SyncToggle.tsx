import { Toggle } from '@fluentui/react';
import * as React from 'react';
import type { Translate } from '../strings';
import type { ToggleView } from '../viewModel';

export interface SyncToggleProps {
  toggle: ToggleView;
  t: Translate;
  onToggle: (checked: boolean) => void;
}

export const SyncToggle = React.memo<SyncToggleProps>(({ toggle, t, onToggle }) => {
  const reasonId = 'pcs-toggle-reason';
  const reason =
    toggle.disabledReason === 'readOnly'
      ? t('Toggle_ReadOnly')
      : toggle.disabledReason === 'unsaved'
        ? t('Toggle_Unsaved')
        : null;
  return (
    <div className="pcs-toggle">
      <Toggle
        label={t('Toggle_Label')}
        checked={toggle.checked}
        disabled={toggle.disabledReason !== null}
        onText={t('Toggle_On')}
        offText={t('Toggle_Off')}
        aria-describedby={reason ? reasonId : undefined}
        onChange={(_event, checked) => onToggle(checked === true)}
        inlineLabel
      />
      {reason ? (
        <div id={reasonId} className="pcs-toggle__reason">
          {reason}
        </div>
      ) : null}
    </div>
  );
});
