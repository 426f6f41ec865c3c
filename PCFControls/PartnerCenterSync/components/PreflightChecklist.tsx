import * as React from 'react';
import type { FieldMap } from '../../../Domain/fieldMap';
import type { DataverseRecord } from '../../../Domain/opportunity';
import { checkSharingRules } from '../../../Domain/rules';
import type { OpportunityData } from '../data';
import { describeProblem, type Translate } from '../strings';
import { preflightChecklist } from '../viewModel';
import { Loading } from './Loading';
import { errorText, useAsync } from './useAsync';

export interface PreflightChecklistProps {
  recordId: string;
  map: FieldMap;
  overlay: DataverseRecord;
  revision: string;
  lcid: number;
  data: OpportunityData;
  t: Translate;
}

/** The shared sharing rules (the same ones the form's save check and the relay run) as a checklist. */
export const PreflightChecklist = React.memo<PreflightChecklistProps>((props) => {
  const { recordId, map, overlay, revision, lcid, data, t } = props;
  const overlayKey = JSON.stringify(overlay);
  const result = useAsync(
    () =>
      data
        .snapshot(recordId, map, overlay)
        .then((snapshot) => preflightChecklist(checkSharingRules(snapshot, map), describeProblem(t))),
    // `t` is rebuilt on every update; `lcid` stands for its language.
    [recordId, map, overlayKey, revision, lcid, data],
  );
  return (
    <section className="pcs-preflight" aria-labelledby="pcs-preflight-title">
      <h3 id="pcs-preflight-title">{t('Preflight_Title')}</h3>
      {result.state === 'loading' || result.state === 'idle' ? (
        <Loading label={t('Preflight_Loading')} />
      ) : result.state === 'failed' ? (
        <div role="alert">{t('Preflight_LoadFailed', errorText(result.error))}</div>
      ) : (
        <ul className="pcs-preflight__items">
          {result.value.map((item) => (
            <li
              key={item.label}
              className={item.ok ? 'pcs-check pcs-check--ok' : 'pcs-check pcs-check--fail'}
            >
              <span aria-hidden="true">{item.ok ? '✔' : '✖'}</span>{' '}
              <span className="pcs-check__label">{t(item.label)}</span>
              <span className="pcs-visually-hidden">
                {' '}
                {item.ok ? t('Preflight_Passed') : t('Preflight_Failed')}
              </span>
              {item.fixes.length ? (
                <ul className="pcs-check__fixes">
                  {item.fixes.map((fix) => (
                    <li key={fix}>{fix}</li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
});
