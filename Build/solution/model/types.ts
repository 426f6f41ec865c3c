/** The typed model the generator renders into SolutionPackager XML. */
import type { TableName } from '../../../Domain/constants';
import type { Labels } from './labels';

export interface ChoiceOption {
  value: number;
  label: Labels;
}

export type ColumnType =
  | { kind: 'bit'; defaultValue: 0 | 1; yes: Labels; no: Labels }
  | { kind: 'text'; format: 'text' | 'url'; maxLength: number }
  | { kind: 'memo'; maxLength: number }
  | { kind: 'choice'; options: ChoiceOption[]; defaultValue?: number }
  | { kind: 'datetime'; format: 'date' | 'datetime' }
  | { kind: 'lookup'; target: TableName };

export interface ColumnDef {
  table: TableName;
  logicalName: string;
  type: ColumnType;
  displayName: Labels;
  description: Labels;
  required?: 'none' | 'required';
  /** The table's primary name column. */
  primaryName?: boolean;
  /** Protected by a field security profile (IsSecured). */
  secured?: boolean;
  /** Searchable (quick find / Dataverse search). */
  searchable?: boolean;
}

export interface NewTableDef {
  logicalName: TableName;
  entitySetName: string;
  displayName: Labels;
  pluralName: Labels;
  description: Labels;
  /** Columns beyond the platform ones (primary name first). */
  columns: ColumnDef[];
  /** Columns shown in the standard views (after the primary name). */
  viewColumns: string[];
  /** Alternate key (unique), if any. */
  alternateKey?: { logicalName: string; column: string; displayName: Labels };
}
