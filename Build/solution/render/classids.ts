/** Classic form control class ids, as observed in real forms (docs/reference/dataverse-solution-format.md §1.6). */
import type { ColumnType } from '../model/types';

export const ClassIds = {
  text: '{4273EDBD-AC1D-40d3-9FB2-095C621B552D}',
  url: '{71716B6C-711E-476C-8AB8-5D11542BFB47}',
  memo: '{E0DECE4B-6FC8-4a8f-A065-082708572369}',
  bit: '{67FAC785-CD58-4F9F-ABB3-4B7DDC6ED5ED}',
  choice: '{3EF39988-22BB-4F0B-BBBE-64B5A3748AEE}',
  lookup: '{270BD3DB-D9AF-4782-9025-509E298DEC0A}',
  currency: '{533B9E00-756B-4312-95A0-DC888637AC78}',
  datetime: '{5B773807-9FB2-42DB-97C3-7A91EFF8ADFF}',
  subgrid: '{E7A81278-8635-4d9e-8D4D-59480B391C5B}',
  customControlHost: '{F9A8A302-114E-466A-B582-6771B2AE0D92}',
} as const;

export function classIdFor(type: ColumnType): string {
  switch (type.kind) {
    case 'text':
      return type.format === 'url' ? ClassIds.url : ClassIds.text;
    case 'memo':
      return ClassIds.memo;
    case 'bit':
      return ClassIds.bit;
    case 'choice':
      return ClassIds.choice;
    case 'lookup':
      return ClassIds.lookup;
    case 'datetime':
      return ClassIds.datetime;
  }
}

/** PCF manifest `of-type` matching a column type (the form passes it as `type=` on bound properties). */
export function pcfTypeFor(type: ColumnType): string {
  switch (type.kind) {
    case 'text':
      return type.format === 'url' ? 'SingleLine.URL' : 'SingleLine.Text';
    case 'memo':
      return 'Multiple';
    case 'bit':
      return 'TwoOptions';
    case 'choice':
      return 'OptionSet';
    case 'lookup':
      return 'Lookup.Simple';
    case 'datetime':
      return type.format === 'date' ? 'DateAndTime.DateOnly' : 'DateAndTime.DateAndTime';
  }
}
