/** One reading of solution environment variables for the relay and the browser. */
import {
  EnvironmentVariableColumns as Columns,
  environmentVariableQuery,
  environmentVariableValue,
  odataQueryString,
  parseYesNo,
} from '../../../Domain';

const definition = (defaultValue: string | null, ...values: Array<string | null>) => ({
  [Columns.defaultValue]: defaultValue,
  [Columns.valuesNavigation]: values.map((value) => ({ [Columns.value]: value })),
});

it('reads the definition by schema name with its value rows, quotes escaped', () => {
  expect(odataQueryString(environmentVariableQuery("pcs_It's"))).toBe(
    "?$select=defaultvalue&$filter=schemaname eq 'pcs_It''s'" +
      '&$expand=environmentvariabledefinition_environmentvariablevalue($select=value)',
  );
});

it('takes the value row, else the default; blank text counts as unset; trimmed', () => {
  expect(environmentVariableValue(definition('default', ' current '))).toBe('current');
  expect(environmentVariableValue(definition('default'))).toBe('default');
  expect(environmentVariableValue(definition(' default ', '   ', null))).toBe('default');
  expect(environmentVariableValue(definition('  '))).toBeNull();
  expect(environmentVariableValue(undefined)).toBeNull();
  expect(environmentVariableValue({ [Columns.defaultValue]: 'd', [Columns.valuesNavigation]: 'x' })).toBe(
    'd',
  );
});

it('reads Boolean values: yes/no, true/false, 1/0 in any case; anything else is not a Boolean', () => {
  for (const yes of ['yes', 'YES', ' true ', '1']) expect(parseYesNo(yes)).toBe(true);
  for (const no of ['no', 'False', '0']) expect(parseYesNo(no)).toBe(false);
  for (const other of ['', 'maybe', 'on', null, undefined]) expect(parseYesNo(other)).toBeNull();
});
