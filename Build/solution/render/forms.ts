/**
 * Main forms (unpacked `FormXml/main/{id}.xml`). Element and attribute shapes follow the YarSol
 * opportunity form (subgrid, controlDescriptions, formLibraries, events) and the sample export's
 * custom-table main form.
 */
import { XSI_NS, el, leaf, type XmlNode } from '../xml';
import type { Labels } from '../model/labels';
import { stableGuid } from '../model/ids';
import { INTRODUCED_VERSION, braced, descriptions, labels, localizedNames } from './common';

export type FormCell =
  | {
      kind: 'field';
      column: string;
      classId: string;
      label: Labels;
      disabled?: boolean;
      /** Lookups: the only view the lookup offers (its view picker is hidden). */
      lookupViewId?: string;
    }
  | {
      kind: 'subgrid';
      name: string;
      label: Labels;
      relationship: string;
      targetTable: string;
      viewId: string;
      rows: number;
    }
  | {
      kind: 'pcf';
      column: string;
      /** Classic control used when the custom control is unavailable. */
      fallbackClassId: string;
      label: Labels;
      controlName: string;
      /** Bound properties: property → [column, of-type]; static ones: property → [value, of-type]. */
      bound: [string, string, string][];
      statics: [string, string, string][];
    };

export interface FormSection {
  name: string;
  label: Labels;
  cells: FormCell[];
}

export interface FormTab {
  name: string;
  label: Labels;
  sections: FormSection[];
}

export interface FormEventHandler {
  event: 'onload' | 'onsave' | 'onchange';
  attribute?: string;
  functionName: string;
  library: string;
}

export interface FormDef {
  id: string;
  table: string;
  name: Labels;
  description: Labels;
  tabs: FormTab[];
  libraries?: string[];
  handlers?: FormEventHandler[];
}

const idFor = (form: FormDef, ...parts: string[]) => braced(stableGuid([form.id, ...parts].join(':')));

function renderCell(form: FormDef, cell: FormCell): XmlNode[] {
  if (cell.kind === 'field') {
    return [
      el('row', [
        el('cell', { id: idFor(form, 'cell', cell.column) }, [
          labels(cell.label),
          el(
            'control',
            {
              id: cell.column,
              classid: cell.classId,
              datafieldname: cell.column,
              disabled: cell.disabled ? 'true' : 'false',
            },
            cell.lookupViewId
              ? [
                  el('parameters', [
                    leaf('DefaultViewId', braced(cell.lookupViewId)),
                    leaf('DisableViewPicker', 'true'),
                    leaf('AvailableViewIds', braced(cell.lookupViewId)),
                  ]),
                ]
              : [],
          ),
        ]),
      ]),
    ];
  }
  if (cell.kind === 'pcf') {
    return [
      el('row', [
        el('cell', { id: idFor(form, 'cell', cell.column), showlabel: 'false', colspan: 1, rowspan: 1 }, [
          labels(cell.label),
          el('control', {
            id: cell.column,
            classid: '{F9A8A302-114E-466A-B582-6771B2AE0D92}',
            datafieldname: cell.column,
            disabled: 'false',
            uniqueid: idFor(form, 'pcf', cell.column),
          }),
        ]),
      ]),
    ];
  }
  // A subgrid spans `rows` rows: the cell carries rowspan and empty rows follow (as in real forms).
  return [
    el('row', [
      el(
        'cell',
        {
          id: idFor(form, 'cell', cell.name),
          showlabel: 'true',
          colspan: 1,
          auto: 'false',
          rowspan: cell.rows,
        },
        [
          labels(cell.label),
          el(
            'control',
            { id: cell.name, classid: '{E7A81278-8635-4d9e-8D4D-59480B391C5B}', indicationOfSubgrid: 'true' },
            [
              el('parameters', [
                leaf('ViewId', braced(cell.viewId)),
                leaf('IsUserView', 'false'),
                leaf('RelationshipName', cell.relationship),
                leaf('TargetEntityType', cell.targetTable),
                leaf('AutoExpand', 'Fixed'),
                leaf('EnableQuickFind', 'false'),
                leaf('EnableViewPicker', 'false'),
                leaf('ViewIds', braced(cell.viewId)),
                leaf('EnableJumpBar', 'false'),
                leaf('ChartGridMode', 'Grid'),
                el('VisualizationId'),
                leaf('IsUserChart', 'false'),
                leaf('EnableChartPicker', 'false'),
                leaf('RecordsPerPage', cell.rows),
              ]),
            ],
          ),
        ],
      ),
    ]),
    ...Array.from({ length: cell.rows - 1 }, () => el('row')),
  ];
}

function renderControlDescriptions(form: FormDef): XmlNode | undefined {
  const pcfs = form.tabs.flatMap((t) => t.sections.flatMap((s) => s.cells)).filter((c) => c.kind === 'pcf');
  if (pcfs.length === 0) return undefined;
  return el(
    'controlDescriptions',
    pcfs.map((c) => {
      const params = () =>
        el('parameters', [
          ...c.bound.map(([prop, column, type]) => leaf(prop, column, { type })),
          ...c.statics.map(([prop, value, type]) => leaf(prop, value, { type, static: 'true' })),
        ]);
      // Form factors 0 (web), 2 (phone), 1 (tablet), in the order real forms list them.
      return el('controlDescription', { forControl: idFor(form, 'pcf', c.column) }, [
        el('customControl', { id: c.fallbackClassId }, [el('parameters', [leaf('datafieldname', c.column)])]),
        ...[0, 2, 1].map((ff) => el('customControl', { formFactor: ff, name: c.controlName }, [params()])),
      ]);
    }),
  );
}

function renderEvents(form: FormDef): XmlNode[] {
  const handlers = form.handlers ?? [];
  if (handlers.length === 0) return [];
  const keyOf = (h: FormEventHandler) => `${h.event}:${h.attribute ?? ''}`;
  const groups = [...new Set(handlers.map(keyOf))];
  return [
    el(
      'formLibraries',
      (form.libraries ?? []).map((name) =>
        el('Library', { name, libraryUniqueId: idFor(form, 'library', name) }),
      ),
    ),
    el(
      'events',
      groups.map((key) => {
        const inGroup = handlers.filter((h) => keyOf(h) === key);
        const first = inGroup[0]!;
        return el(
          'event',
          { name: first.event, application: 'false', active: 'true', attribute: first.attribute },
          [
            el(
              'Handlers',
              inGroup.map((h) =>
                el('Handler', {
                  functionName: h.functionName,
                  libraryName: h.library,
                  handlerUniqueId: idFor(form, 'handler', key, h.functionName),
                  enabled: 'true',
                  parameters: '',
                  passExecutionContext: 'true',
                }),
              ),
            ),
          ],
        );
      }),
    ),
  ];
}

export function renderForm(form: FormDef): XmlNode {
  return el('forms', XSI_NS, [
    el('systemform', [
      leaf('formid', braced(form.id)),
      leaf('IntroducedVersion', INTRODUCED_VERSION),
      leaf('FormPresentation', 1),
      leaf('FormActivationState', 1),
      // headerdensity is newer than the 2018 FormXml.xsd (allowed exception), present on current main forms.
      el(
        'form',
        { headerdensity: 'HighWithControls', shownavigationbar: 'true', showImage: 'false', maxWidth: 1920 },
        [
          el(
            'tabs',
            form.tabs.map((tab) =>
              el(
                'tab',
                {
                  name: tab.name,
                  verticallayout: 'true',
                  id: idFor(form, 'tab', tab.name),
                  IsUserDefined: 0,
                  expanded: 'true',
                  showlabel: 'true',
                },
                [
                  labels(tab.label),
                  el('columns', [
                    el('column', { width: '100%' }, [
                      el(
                        'sections',
                        tab.sections.map((s) =>
                          el(
                            'section',
                            {
                              name: s.name,
                              showlabel: 'true',
                              showbar: 'false',
                              id: idFor(form, 'section', s.name),
                              IsUserDefined: 0,
                              columns: 1,
                            },
                            [
                              labels(s.label),
                              el(
                                'rows',
                                s.cells.flatMap((c) => renderCell(form, c)),
                              ),
                            ],
                          ),
                        ),
                      ),
                    ]),
                  ]),
                ],
              ),
            ),
          ),
          renderControlDescriptions(form),
          ...renderEvents(form),
        ],
      ),
      leaf('IsCustomizable', 1),
      leaf('CanBeDeleted', 1),
      localizedNames(form.name),
      descriptions(form.description),
    ]),
  ]);
}
