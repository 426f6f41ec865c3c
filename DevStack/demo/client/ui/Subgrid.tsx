/**
 * A subgrid: the child rows of the open record through the relationship named in FormXml. The
 * Microsoft Solutions grid adds rows from the pcs_solutiondetail catalogue and removes them, writing
 * immediately as a subgrid does (which fires the relay's plug-in steps on pcs_microsoftsolution).
 * Adding writes what Dataverse stores when a seller picks a catalogue row — the two lookups and nothing
 * else: the Solution ID, name and publisher are the relay's copy from the catalogue, shown once the grid
 * is refreshed (as in Dynamics 365, a subgrid does not re-read by itself).
 */
import * as React from 'react';
import {
  MicrosoftSolutionColumns as MS,
  Relationships,
  SolutionDetailColumns as SD,
  SyncEventColumns as SE,
  Tables,
} from '../../../../Domain/constants';
import type { DataverseRecord } from '../../../../Domain/opportunity';
import type { FormControl } from '../model/formXml';
import { lookupValueKey } from '../model/metadata';
import type { FormRuntime } from '../platform/formRuntime';
import { entitySetOf } from '../platform/webApi';
import { t, useHost } from './host';

/** Columns shown per child table, and the newest-first order for events. */
const GRID_COLUMNS: Record<string, { columns: string[]; orderBy?: string }> = {
  // The shipped associated view's columns (Build/solution/model/views.ts), without createdon.
  [Tables.microsoftSolution]: { columns: [MS.name, MS.solutionDetail, MS.solutionId] },
  [Tables.syncEvent]: {
    columns: [SE.occurredOn, SE.direction, SE.outcome, SE.message],
    orderBy: `${SE.occurredOn} desc`,
  },
};

const FORMATTED = '@OData.Community.Display.V1.FormattedValue';
const shown = (row: DataverseRecord, column: string): string => {
  const lookupFormatted = row[`${lookupValueKey(column)}${FORMATTED}`];
  const value = row[`${column}${FORMATTED}`] ?? lookupFormatted ?? row[column];
  return value === null || value === undefined ? '' : String(value);
};

interface SubgridProps {
  runtime: FormRuntime;
  control: FormControl;
  refreshTick: number;
}

export function Subgrid({ runtime, control, refreshTick }: SubgridProps): React.ReactElement {
  const { webApi, user } = useHost();
  const table = control.subgrid?.targetEntityType ?? '';
  const relationship = Object.values(Relationships).find(
    (r) => r.schemaName === control.subgrid?.relationshipName,
  );
  const layout = GRID_COLUMNS[table] ?? { columns: [] };
  const [rows, setRows] = React.useState<DataverseRecord[]>([]);
  const [catalogue, setCatalogue] = React.useState<DataverseRecord[]>([]);
  const [picked, setPicked] = React.useState('');
  const [error, setError] = React.useState<string | null>(null);
  const [tick, setTick] = React.useState(0);
  const recordId = runtime.recordId;
  const isSolutions = table === Tables.microsoftSolution;
  const primaryKey = `${table}id`;

  React.useEffect(() => {
    if (!relationship || !recordId) return;
    let live = true;
    const order = layout.orderBy ? `&$orderby=${layout.orderBy}` : '';
    webApi
      .retrieveMultipleRecords(
        table,
        `?$filter=${lookupValueKey(relationship.lookup)} eq ${recordId}${order}`,
      )
      .then((page) => live && setRows(page.entities))
      .catch((failure: Error) => live && setError(failure.message));
    return () => {
      live = false;
    };
  }, [webApi, table, relationship, recordId, refreshTick, tick, layout.orderBy]);

  React.useEffect(() => {
    if (!isSolutions) return;
    webApi
      .retrieveMultipleRecords(
        Tables.solutionDetail,
        `?$select=${SD.id},${SD.name},${SD.solutionId}&$filter=${SD.isActive} eq true&$orderby=${SD.name}`,
      )
      .then((page) => setCatalogue(page.entities))
      .catch((failure: Error) => setError(failure.message));
  }, [webApi, isSolutions]);

  if (!relationship)
    return <div className="subgrid">Subgrid {control.id}: relationship not supported in the demo</div>;

  const add = async () => {
    const detail = catalogue.find((row) => row[SD.id] === picked);
    if (!detail || !recordId) return;
    try {
      await webApi.createRecord(table, {
        [`${Relationships.opportunitySolutions.navigation}@odata.bind`]: `/${entitySetOf(Tables.opportunity)}(${recordId})`,
        [`${Relationships.solutionDetailSolutions.navigation}@odata.bind`]: `/${entitySetOf(Tables.solutionDetail)}(${picked})`,
      });
      setPicked('');
      setTick((n) => n + 1);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  const remove = async (id: string) => {
    try {
      await webApi.deleteRecord(table, id);
      setTick((n) => n + 1);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  return (
    <div className="subgrid" data-testid={`subgrid-${control.id}`}>
      {error && <div className="field-notification">{error}</div>}
      {isSolutions && (
        <div className="subgrid-add">
          <select
            data-testid={`subgrid-${control.id}-catalogue`}
            aria-label="catalogue"
            value={picked}
            onChange={(event) => setPicked(event.target.value)}
          >
            <option value="">---</option>
            {catalogue.map((row) => (
              <option key={String(row[SD.id])} value={String(row[SD.id])}>
                {String(row[SD.name])} ({String(row[SD.solutionId])})
              </option>
            ))}
          </select>
          <button data-testid={`subgrid-${control.id}-add`} disabled={!picked} onClick={() => void add()}>
            {t('add', user.lcid)}
          </button>
        </div>
      )}
      <table>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td className="muted">{t('empty', user.lcid)}</td>
            </tr>
          )}
          {rows.map((row) => (
            <tr key={String(row[primaryKey])}>
              {layout.columns.map((column) => (
                <td key={column}>{shown(row, column)}</td>
              ))}
              {isSolutions && (
                <td>
                  <button onClick={() => void remove(String(row[primaryKey]))}>
                    {t('remove', user.lcid)}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
