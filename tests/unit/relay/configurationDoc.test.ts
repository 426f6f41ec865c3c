/**
 * docs/configuration.md is generated from the configuration schema; these tests fail when the two
 * disagree (run `npm run build:config-doc`), and check what `cosell relay --print-config` shows.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { configurationDocFile } from '../../../Build/configurationDoc';
import { EnvSchema } from '../../../Relay/config/config';
import { renderConfigurationDoc } from '../../../Relay/config/configurationDoc';
import { printableConfig } from '../../../Relay/config/printConfig';
import { configFields } from '../../../Relay/config/schemaFields';
import { cosell } from '../cli/run';

const WEBHOOK_KEY = 'w'.repeat(40);
const CLIENT_SECRET = 'client-secret-value-7f3a';
const REFRESH_TOKEN = 'refresh-token-value-0.AXQA';
const minimal = {
  COSELL_DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
  COSELL_DATAVERSE_WEBHOOK_KEY: WEBHOOK_KEY,
};

describe('docs/configuration.md', () => {
  it('is what the schema generates', () => {
    expect(readFileSync(configurationDocFile, 'utf8')).toBe(renderConfigurationDoc());
  });

  it('documents every COSELL_* variable with a meaning', () => {
    const fields = configFields();
    expect(fields.map((f) => f.name)).toEqual(Object.keys(EnvSchema.shape));
    for (const field of fields) {
      expect(field.name).toMatch(/^COSELL_[A-Z0-9_]+$/);
      expect(field.description.length).toBeGreaterThan(10);
    }
  });

  it('reads type, default, requirement and secrecy from the schema', () => {
    const byName = Object.fromEntries(configFields().map((f) => [f.name, f]));
    expect(byName.COSELL_PORT).toMatchObject({
      type: 'integer 0–65535',
      defaultValue: '7071',
      required: false,
    });
    expect(byName.COSELL_DATAVERSE_URL).toMatchObject({ type: 'http(s) URL', required: true, secret: false });
    expect(byName.COSELL_DATAVERSE_WEBHOOK_KEY).toMatchObject({ required: true, secret: true });
    expect(byName.COSELL_PC_CERT_HOSTS).toMatchObject({
      defaultValue: '3psostorageacct.blob.core.windows.net',
    });
    expect(byName.COSELL_SANDBOX).toMatchObject({
      defaultValue: 'false',
      type: expect.stringMatching(/^boolean/),
    });
    expect(byName.COSELL_LOG_LEVEL?.type).toMatch(/`silent`/);
  });

  it('changes when a variable is added to the schema', () => {
    const extended = EnvSchema.extend({
      COSELL_EXAMPLE: z.string().optional().meta({ description: 'An example variable.' }),
    });
    expect(renderConfigurationDoc(configFields(extended))).toContain('`COSELL_EXAMPLE`');
    expect(renderConfigurationDoc()).not.toContain('COSELL_EXAMPLE');
  });
});

describe('cosell relay --print-config', () => {
  it('shows every variable, its value and where it comes from, secrets masked', () => {
    const text = printableConfig({
      ...minimal,
      COSELL_PORT: '8080',
      COSELL_DATAVERSE_CLIENT_SECRET: CLIENT_SECRET,
      COSELL_PC_REFRESH_TOKEN: REFRESH_TOKEN,
    });
    for (const field of configFields()) expect(text).toContain(`${field.name}=`);
    expect(text).toContain('COSELL_PORT=8080  # environment');
    expect(text).toContain('COSELL_HOST=127.0.0.1  # default');
    expect(text).toContain('COSELL_PUBLIC_URL=  # not set');
    expect(text).toContain('COSELL_DATAVERSE_WEBHOOK_KEY=********  # set');
    expect(text).toContain('COSELL_DATAVERSE_CLIENT_SECRET=********  # set');
    expect(text).toContain('COSELL_PC_REFRESH_TOKEN=********  # set');
    for (const secret of [WEBHOOK_KEY, CLIENT_SECRET, REFRESH_TOKEN]) expect(text).not.toContain(secret);
  });

  it('masks a password inside a URL value', () => {
    const text = printableConfig({
      ...minimal,
      COSELL_DATAVERSE_URL: 'https://admin:hunter2@contoso.crm.dynamics.com',
    });
    expect(text).toContain('COSELL_DATAVERSE_URL=https://admin:********@contoso.crm.dynamics.com');
    expect(text).not.toContain('hunter2');
  });

  it('runs from the CLI and reports an invalid configuration instead', async () => {
    const saved = { ...process.env };
    try {
      for (const name of Object.keys(process.env)) if (name.startsWith('COSELL_')) delete process.env[name];
      Object.assign(process.env, minimal, { COSELL_DATAVERSE_CLIENT_SECRET: CLIENT_SECRET });
      const ok = await cosell('relay', '--print-config');
      expect(ok.code).toBe(0);
      expect(ok.out).toContain('COSELL_DATAVERSE_CLIENT_SECRET=********  # set');
      expect(ok.out).not.toContain(CLIENT_SECRET);

      delete process.env.COSELL_DATAVERSE_URL;
      const bad = await cosell('relay', '--print-config');
      expect(bad.code).toBe(1);
      expect(bad.err).toContain('COSELL_DATAVERSE_URL is not set');
    } finally {
      process.env = saved;
    }
  });
});
