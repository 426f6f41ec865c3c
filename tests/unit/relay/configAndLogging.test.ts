import { Writable } from 'node:stream';
import { ConfigError, loadConfig } from '../../../Relay/config/config';
import { createLogger, scrubSecrets } from '../../../Relay/logging/logger';
import { fieldMapsInFormXml } from '../../../Domain/formXmlControls';
import { PcfControl, PcfProperties } from '../../../Domain/constants';
import { WebhookPaths } from '../../../Domain/relayApi';

describe('loadConfig', () => {
  const valid = {
    COSELL_DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
    COSELL_DATAVERSE_WEBHOOK_KEY: 'x'.repeat(32),
  };

  it('reports every problem at once, naming the variable and what to do', () => {
    expect.assertions(4);
    try {
      loadConfig({ COSELL_PORT: 'eighty', COSELL_DATAVERSE_WEBHOOK_KEY: 'short' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toMatch(/COSELL_PORT is invalid/);
      expect(message).toMatch(/COSELL_DATAVERSE_URL is not set.*contoso\.crm\.dynamics\.com/);
      expect(message).toMatch(/COSELL_DATAVERSE_WEBHOOK_KEY is invalid: must be at least 32 characters/);
    }
  });

  it('applies defaults and refuses a half-configured identity provider', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 7071, sandbox: false });
    expect(config.partnerCenter.certificateHosts).toEqual(['3psostorageacct.blob.core.windows.net']);
    expect(() =>
      loadConfig({ ...valid, COSELL_AUTH_ISSUER: 'https://login.microsoftonline.com/t/v2.0' }),
    ).toThrow(/must be set together/);
  });
  it('selects the PostgreSQL queue with COSELL_DATABASE_URL, SQLite without, and never echoes the URL', () => {
    expect(loadConfig(valid).database).toBeNull();
    expect(
      loadConfig({
        ...valid,
        COSELL_DATABASE_URL: 'postgres://cosell:pw@db:5432/cosell',
        COSELL_DATABASE_SCHEMA: 'relay',
      }).database,
    ).toEqual({ url: 'postgres://cosell:pw@db:5432/cosell', schema: 'relay', poolMax: 10 });
    let message = '';
    try {
      loadConfig({
        ...valid,
        COSELL_DATABASE_URL: 'https://cosell:hunter2@db/cosell',
        COSELL_DATABASE_SCHEMA: 'Bad-Name',
      });
    } catch (error) {
      message = (error as ConfigError).message;
    }
    expect(message).toMatch(/COSELL_DATABASE_URL is invalid/);
    expect(message).toMatch(/COSELL_DATABASE_SCHEMA is invalid/);
    expect(message).not.toMatch(/hunter2/);
  });

  it('reads switches as environment variables are read: yes/no, true/false, 1/0, any case', () => {
    expect(loadConfig({ ...valid, COSELL_SANDBOX: 'Yes' }).sandbox).toBe(true);
    expect(loadConfig({ ...valid, COSELL_SANDBOX: '0' }).sandbox).toBe(false);
    expect(() => loadConfig({ ...valid, COSELL_SANDBOX: 'maybe' })).toThrow(
      /COSELL_SANDBOX is invalid: expected true, false, yes, no, 1 or 0/,
    );
  });
});

describe('logger', () => {
  it('redacts secrets by key and by pattern', () => {
    let out = '';
    const logger = createLogger({
      destination: new Writable({
        write(chunk, _e, done) {
          out += String(chunk);
          done();
        },
      }),
    });
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJvaWQiOiJ4In0.c2lnbmF0dXJlLXZhbHVl';
    logger.info(
      {
        headers: { authorization: `Bearer ${jwt}` },
        clientSecret: 'hunter2',
        url: `https://r${WebhookPaths.dataverse}?code=abc123`,
      },
      `token ${jwt}`,
    );
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('abc123');
    expect(out).toContain('[Redacted]');
    expect(scrubSecrets('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [Redacted]');
  });

  it('redacts secret keys at any depth, in child bindings too, and leaves valid JSON', () => {
    let out = '';
    const logger = createLogger({
      destination: new Writable({
        write(chunk, _e, done) {
          out += String(chunk);
          done();
        },
      }),
    });
    logger.child({ context: { token: 'bound-token' } }).info(
      {
        a: { b: { password: 'deep "quoted" password' } },
        options: { webhookKey: 'key-1', clientSecret: 12345 },
        headers: { 'x-ms-signature': 'sig-1', 'x-api-key': 'api-1' },
        secret: { nested: 'whole-object' },
        note: 'mentions "token": in a value',
      },
      'm',
    );
    for (const secret of ['bound-token', 'deep', 'key-1', '12345', 'sig-1', 'api-1', 'whole-object']) {
      expect(out).not.toContain(secret);
    }
    expect(JSON.parse(out)).toMatchObject({
      a: { b: { password: '[Redacted]' } },
      note: 'mentions "token": in a value',
      msg: 'm',
    });
  });
});

describe('fieldMapsInFormXml', () => {
  it('reads the fieldMap static parameter of our control in every form factor', () => {
    const map = '{"version":1,"entries":[]}';
    const formXml = `<form><tabs/><controlDescriptions>
      <controlDescription forControl="{a}">
        <customControl formFactor="0" name="${PcfControl.fullName}"><parameters>
          <${PcfProperties.syncEnabled}>pcs_syncwithpartnercenter</${PcfProperties.syncEnabled}>
          <${PcfProperties.fieldMap} type="Multiple" static="true">${map}</${PcfProperties.fieldMap}>
        </parameters></customControl>
        <customControl formFactor="2" name="${PcfControl.fullName}"><parameters>
          <${PcfProperties.fieldMap} static="true" type="Multiple">${map}</${PcfProperties.fieldMap}>
        </parameters></customControl>
        <customControl formFactor="1" name="MscrmControls.Other"><parameters><fieldMap>ignored</fieldMap></parameters></customControl>
      </controlDescription></controlDescriptions></form>`;
    expect(fieldMapsInFormXml(formXml)).toEqual([map, map]);
  });
});
