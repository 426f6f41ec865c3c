import { Toggle } from '@fluentui/react';
import * as React from 'react';
import { StringKeys, type Translate } from '../strings';
import type { ToggleView } from '../viewModel';

export interface SyncToggleProps {
  toggle: ToggleView;
  t: Translate;
  onToggle: (checked: boolean) => void;
}

export const SyncToggle: React.FC<SyncToggleProps> = ({ toggle, t, onToggle }) => {
  const reasonId = 'pcs-toggle-reason';
  const reason =
    toggle.disabledReason === 'readOnly'
      ? t(StringKeys.Toggle_ReadOnly)
      : toggle.disabledReason === 'unsaved'
        ? t(StringKeys.Toggle_Unsaved)
        : null;
  return (
    <div className="pcs-toggle">
      <Toggle
        label={t(StringKeys.Toggle_Label)}
        checked={toggle.checked}
        disabled={toggle.disabledReason !== null}
        onText={t(StringKeys.Toggle_On)}
        offText={t(StringKeys.Toggle_Off)}
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
};
