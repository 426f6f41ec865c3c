/** docs/configuration.md, rendered from the configuration schema (`npm run build:config-doc` writes it). */
import { configFields } from './schemaFields';
import type { ConfigField } from './schemaFields';

export const CONFIGURATION_DOC_PATH = 'docs/configuration.md';

// Table cells cannot hold a bare `|`.
const cell = (text: string) => text.replace(/\|/g, '\\|');

function row(field: ConfigField): string {
  const defaultText =
    field.defaultValue !== null ? `\`${field.defaultValue}\`` : field.required ? '**required**' : '—';
  const meaning = field.secret
    ? `${field.description} Secret: masked by \`--print-config\`, never logged.`
    : field.description;
  return `| \`${field.name}\` | ${cell(field.type)} | ${cell(defaultText)} | ${cell(meaning)} |`;
}

export function renderConfigurationDoc(fields: ConfigField[] = configFields()): string {
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from the schema in Relay/config/config.ts by `npm run build:config-doc`; do not edit by hand.',
    '     tests/unit/relay/configurationDoc.test.ts fails when this file and the schema disagree. -->',
    '',
    'The relay reads its configuration from `COSELL_*` environment variables once, at start, and refuses',
    'to start with a message naming every variable that is missing or invalid. An empty value counts as',
    'unset. `cosell relay --print-config` shows the effective values (defaults filled in, secrets masked)',
    'without starting the relay.',
    '',
    '| variable | type | default | meaning |',
    '| --- | --- | --- | --- |',
    ...fields.map(row),
    '',
  ].join('\n');
}
