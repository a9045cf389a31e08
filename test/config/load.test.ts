import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, requireCredentials, validateConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { Secret } from '../../src/secret.js';
import { CLIENT_ID, keysOf, makeClientSecret, tempDirs, writeJson } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe('loadConfig defaults', () => {
  it('with no file and no environment gives the documented defaults', async () => {
    const cwd = await dirs.make();
    const config = await loadConfig({ env: {}, cwd });
    expect(config).toEqual({
      source: null,
      c1: { clientId: null, apiUrl: null, timeoutMs: 10_000, maxRetries: 4, scope: 'self', maxKeys: 200_000, pageSize: 100, maxPages: null, maxResponseBytes: 16 * 1024 * 1024, maxPageTokenBytes: 16 * 1024, maxListingBytes: 512 * 1024 * 1024 },
      credentials: null,
      rules: {
        options: {
          expiringSoon: { days: 14, urgentDays: 3 },
          unused: { days: 90, neverUsedGraceDays: 7 },
          broadCidr: { minPrefixV4: 16, minPrefixV6: 48 },
          broadRoles: { roles: ['Super Administrator'] },
          longLived: { maxDays: 365 },
        },
        disabled: [],
        severity: {},
      },
      suppressions: [],
      report: { dir: join(cwd, 'reports'), keep: 30, formats: ['json', 'html'], publicUrl: null },
      alerts: {
        minSeverity: 'medium',
        renotifyAfterDays: 7,
        email: { to: [], from: null, smtpUrl: null, timeoutMs: 15_000, retries: 2 },
        routeToOwners: false,
        ownerDomains: [],
        slack: { webhookUrl: null, timeoutMs: 10_000, maxRetries: 3, deadlineMs: 60_000 },
        webhook: { url: null, secret: null, timeoutMs: 10_000, maxRetries: 3, deadlineMs: 60_000 },
      },
      state: { dir: join(cwd, 'state') },
      schedule: { cron: '0 7 * * *', timezone: 'UTC', runOnStart: false, shutdownGraceSeconds: 60, healthPort: null, healthHost: '0.0.0.0' },
      remediation: { rules: [], maxDeletes: 10 },
      logLevel: 'info',
    });
  });

  it('reads config/config.json from the working directory when present', async () => {
    const cwd = await dirs.make();
    await mkdir(join(cwd, 'config'));
    const path = await writeJson(join(cwd, 'config'), 'config.json', { report: { keep: 5 } });
    const config = await loadConfig({ configPath: null, env: {}, cwd });
    expect(config.source).toBe(path);
    expect(config.report.keep).toBe(5);
  });

  it('accepts owner-inactive in remediation.rules, whether or not the catalogue has the rule yet', async () => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', { remediation: { rules: ['owner-inactive', 'unused'], maxDeletes: 3 } });
    const config = await loadConfig({ configPath: path, env: {}, cwd });
    expect(config.remediation).toEqual({ rules: ['owner-inactive', 'unused'], maxDeletes: 3 });
  });

  it('fills defaults inside a partly given section', async () => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', { rules: { expiringSoon: { days: 30 } }, schedule: { runOnStart: true } });
    const config = await loadConfig({ configPath: path, env: {}, cwd });
    expect(config.rules.options.expiringSoon).toEqual({ days: 30, urgentDays: 3 });
    expect(config.schedule).toMatchObject({ runOnStart: true, cron: '0 7 * * *', shutdownGraceSeconds: 60 });
  });
});

describe('loadConfig file problems', () => {
  it('a missing file named by --config is an error', async () => {
    const cwd = await dirs.make();
    const { config, problems } = await validateConfig({ configPath: 'nope.json', env: {}, cwd });
    expect(config).toBeNull();
    expect(problems).toEqual([{ key: '--config', message: `config file ${JSON.stringify(join(cwd, 'nope.json'))} not found` }]);
  });

  it.each([
    ['an empty', ''],
    ['a blank', '  '],
  ])('%s --config is an error, and the default file is not read instead', async (_name, configPath) => {
    const cwd = await dirs.make();
    await mkdir(join(cwd, 'config'));
    await writeJson(join(cwd, 'config'), 'config.json', { report: { keep: 5 } });
    const { config, problems } = await validateConfig({ configPath, env: {}, cwd });
    expect(config).toBeNull();
    expect(problems).toEqual([{ key: '--config', message: '--config needs a file path' }]);
  });

  it('a directory given as --config is an error', async () => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({ configPath: '.', env: {}, cwd });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/is a directory/);
  });

  it.each([
    ['a syntax error, with line and column', '{\n  "report": {\n    "keep": 5,\n  }\n}', /not valid JSON: expected a key in double quotes at line 4, column 3$/],
    ['a truncated file', '{"report": ', /not valid JSON: unexpected end of the file at line 1, column 12$/],
    ['an array', '[]', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    ['a string', '"x"', /must be a JSON object/],
  ])('a file holding %s is reported', async (_name, content, pattern) => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', content);
    const { config, problems } = await validateConfig({ configPath: path, env: {}, cwd });
    expect(config).toBeNull();
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(pattern);
  });

  it('report.formats defaults to json and html; report.publicUrl must be an https URL', async () => {
    const cwd = await dirs.make();
    const defaults = await loadConfig({ configPath: null, env: {}, cwd });
    expect(defaults.report.formats).toEqual(['json', 'html']);
    expect(defaults.report.publicUrl).toBeNull();
    const good = await writeJson(cwd, 'good.json', { report: { formats: ['csv', 'ocsf', 'csv'], publicUrl: 'https://reports.example.com/latest.html' } });
    const config = await loadConfig({ configPath: good, env: {}, cwd });
    expect(config.report.formats).toEqual(['csv', 'ocsf']);
    expect(config.report.publicUrl).toBe('https://reports.example.com/latest.html');
    const bad = await writeJson(cwd, 'bad.json', { report: { formats: ['html', 'pdf'], publicUrl: 'http://reports.example.com/' } });
    const { problems } = await validateConfig({ configPath: bad, env: {}, cwd });
    expect(problems).toEqual([
      { key: 'report.formats[1]', message: 'unknown report format "pdf" (known: json, html, csv, ocsf)' },
      { key: 'report.publicUrl', message: 'must be an https:// URL, not "http"' },
    ]);
  });

  it('a file with a byte order mark still loads', async () => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', '\uFEFF{"report": {"keep": 3}}');
    const config = await loadConfig({ configPath: path, env: {}, cwd });
    expect(config.report.keep).toBe(3);
  });

  it('does not quote the file content when JSON parsing fails', async () => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', '{"c1": {"clientId": TOPSECRETVALUE}}');
    const { problems } = await validateConfig({ configPath: path, env: {}, cwd });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).not.toContain('TOPSECRETVALUE');
  });

  it('throws a ConfigError listing the problems', async () => {
    const cwd = await dirs.make();
    const error = await loadConfig({ configPath: 'missing.json', env: { LOG_LEVEL: 'loud' }, cwd }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    expect((error as ConfigError).exitCode).toBe(2);
    expect(keysOf((error as ConfigError).problems)).toEqual(['--config', 'LOG_LEVEL']);
  });
});

describe('environment on top of the file', () => {
  const fileContent = {
    c1: { clientId: 'file-key@file.conductor.one/pcc', apiUrl: 'https://file.example.com' },
    report: { dir: 'file-reports' },
    state: { dir: '/abs/file-state' },
    alerts: { email: { to: ['file@acme.example'], from: 'file-from@acme.example' } },
    schedule: { cron: '0 8 * * *', timezone: 'Europe/Berlin' },
  };

  it('uses the file when the environment is silent', async () => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', fileContent);
    const config = await loadConfig({ configPath: path, env: { SMTP_URL: 'smtp://mail.example.com:25' }, cwd });
    expect(config.c1.clientId).toBe('file-key@file.conductor.one/pcc');
    expect(config.c1.apiUrl).toBe('https://file.example.com');
    expect(config.report.dir).toBe(join(cwd, 'file-reports'));
    expect(config.state.dir).toBe('/abs/file-state');
    expect(config.alerts.email.to).toEqual(['file@acme.example']);
    expect(config.alerts.email.from).toBe('file-from@acme.example');
    expect(config.schedule).toMatchObject({ cron: '0 8 * * *', timezone: 'Europe/Berlin' });
  });

  it('lets every variable override its key', async () => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', fileContent);
    const config = await loadConfig({
      configPath: path,
      cwd,
      env: {
        C1_CLIENT_ID: CLIENT_ID,
        C1_API_URL: 'https://api.example.com/',
        SMTP_URL: 'smtps://mail.example.com',
        ALERT_EMAIL_TO: ' a@acme.example, ,b@acme.example ,',
        ALERT_EMAIL_FROM: 'env-from@acme.example',
        REPORT_DIR: 'env-reports',
        STATE_DIR: '/abs/env-state',
        AUDIT_CRON: '*/30 * * * * *',
        AUDIT_TIMEZONE: 'America/New_York',
        LOG_LEVEL: 'debug',
      },
    });
    expect(config.c1.clientId).toBe(CLIENT_ID);
    expect(config.c1.apiUrl).toBe('https://api.example.com');
    expect(config.alerts.email.smtpUrl?.reveal()).toBe('smtps://mail.example.com');
    expect(config.alerts.email.to).toEqual(['a@acme.example', 'b@acme.example']);
    expect(config.alerts.email.from).toBe('env-from@acme.example');
    expect(config.report.dir).toBe(join(cwd, 'env-reports'));
    expect(config.state.dir).toBe('/abs/env-state');
    expect(config.schedule).toMatchObject({ cron: '*/30 * * * * *', timezone: 'America/New_York' });
    expect(config.logLevel).toBe('debug');
  });

  it('treats empty variables as unset', async () => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', { schedule: { cron: '0 9 * * *' } });
    const config = await loadConfig({
      configPath: path,
      cwd,
      env: { AUDIT_CRON: '', LOG_LEVEL: '  ', C1_CLIENT_SECRET: '', ALERT_EMAIL_TO: '' },
    });
    expect(config.schedule.cron).toBe('0 9 * * *');
    expect(config.logLevel).toBe('info');
    expect(config.credentials).toBeNull();
  });

  it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])('accepts LOG_LEVEL=%s', async (level) => {
    const cwd = await dirs.make();
    expect((await loadConfig({ env: { LOG_LEVEL: level }, cwd })).logLevel).toBe(level);
  });

  it('rejects an unknown LOG_LEVEL', async () => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({ env: { LOG_LEVEL: 'verbose' }, cwd });
    expect(problems).toEqual([
      { key: 'LOG_LEVEL', message: 'is not a log level "verbose" (known: fatal, error, warn, info, debug, trace, silent)' },
    ]);
  });
});

describe('credentials', () => {
  it('a client ID and secret make a client key, and the API URL comes from the client ID', async () => {
    const cwd = await dirs.make();
    const secret = makeClientSecret();
    const config = await loadConfig({ env: { C1_CLIENT_ID: CLIENT_ID, C1_CLIENT_SECRET: secret }, cwd });
    expect(config.credentials?.kind).toBe('client-key');
    if (config.credentials?.kind !== 'client-key') throw new Error('unreachable');
    expect(config.credentials.clientId).toBe(CLIENT_ID);
    expect(config.credentials.clientSecret).toBeInstanceOf(Secret);
    expect(config.credentials.clientSecret.reveal()).toBe(secret);
    expect(config.c1.apiUrl).toBe('https://acme.conductor.one');
    expect(requireCredentials(config)).toBe(config.credentials);
  });

  it('keeps a port of the tenant host when deriving the API URL', async () => {
    const cwd = await dirs.make();
    const config = await loadConfig({ env: { C1_CLIENT_ID: 'k@127.0.0.1:8443/pcc' }, cwd });
    expect(config.c1.apiUrl).toBe('https://127.0.0.1:8443');
  });

  it('the client ID may come from the file and the secret from the environment', async () => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', { c1: { clientId: CLIENT_ID } });
    const config = await loadConfig({ configPath: path, env: { C1_CLIENT_SECRET: makeClientSecret() }, cwd });
    expect(config.credentials).toMatchObject({ kind: 'client-key', clientId: CLIENT_ID });
  });

  it('an access token with an API URL makes access-token credentials', async () => {
    const cwd = await dirs.make();
    const config = await loadConfig({ env: { C1_ACCESS_TOKEN: 'tok.en-value_123', C1_API_URL: 'http://127.0.0.1:9999' }, cwd });
    expect(config.credentials?.kind).toBe('access-token');
    if (config.credentials?.kind !== 'access-token') throw new Error('unreachable');
    expect(config.credentials.accessToken.reveal()).toBe('tok.en-value_123');
    expect(config.c1.apiUrl).toBe('http://127.0.0.1:9999');
    expect(config.c1.clientId).toBeNull();
  });

  it('an access token without any way to know the API URL is an error', async () => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({ env: { C1_ACCESS_TOKEN: 'token-value' }, cwd });
    expect(keysOf(problems)).toEqual(['C1_API_URL']);
  });

  it('an access token with white space is an error', async () => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({
      env: { C1_ACCESS_TOKEN: 'Bearer abcdefgh', C1_API_URL: 'https://acme.conductor.one' },
      cwd,
    });
    expect(keysOf(problems)).toEqual(['C1_ACCESS_TOKEN']);
    expect(problems[0]?.message).not.toContain('abcdefgh');
  });

  it('a secret and a token together are an error naming both variables', async () => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({
      env: { C1_CLIENT_ID: CLIENT_ID, C1_CLIENT_SECRET: makeClientSecret(), C1_ACCESS_TOKEN: 'token-value' },
      cwd,
    });
    expect(keysOf(problems)).toEqual(['C1_ACCESS_TOKEN']);
    expect(problems[0]?.message).toContain('C1_CLIENT_SECRET');
    expect(problems[0]?.message).toContain('C1_ACCESS_TOKEN');
  });

  it('a secret without a client ID is an error naming C1_CLIENT_ID', async () => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({ env: { C1_CLIENT_SECRET: makeClientSecret() }, cwd });
    expect(keysOf(problems)).toEqual(['C1_CLIENT_ID']);
  });

  it('no credentials load, but requireCredentials refuses them, naming what to set', async () => {
    const cwd = await dirs.make();
    const config = await loadConfig({ env: {}, cwd });
    expect(config.credentials).toBeNull();
    const error = (() => {
      try {
        requireCredentials(config);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(keysOf((error as ConfigError).problems)).toEqual(['C1_CLIENT_ID', 'C1_CLIENT_SECRET']);
    expect((error as ConfigError).exitCode).toBe(2);
  });

  it('a client ID alone: requireCredentials asks only for the secret', async () => {
    const cwd = await dirs.make();
    const config = await loadConfig({ env: { C1_CLIENT_ID: CLIENT_ID }, cwd });
    expect(() => requireCredentials(config)).toThrow(ConfigError);
    try {
      requireCredentials(config);
    } catch (e) {
      expect(keysOf((e as ConfigError).problems)).toEqual(['C1_CLIENT_SECRET']);
    }
  });
});

describe('*_FILE variables', () => {
  it('C1_CLIENT_SECRET_FILE is read relative to cwd, trailing newline trimmed', async () => {
    const cwd = await dirs.make();
    const secret = makeClientSecret();
    await writeJson(cwd, 'secret.txt', `${secret}\n`);
    const config = await loadConfig({ env: { C1_CLIENT_ID: CLIENT_ID, C1_CLIENT_SECRET_FILE: 'secret.txt' }, cwd });
    if (config.credentials?.kind !== 'client-key') throw new Error('expected a client key');
    expect(config.credentials.clientSecret.reveal()).toBe(secret);
  });

  it('C1_ACCESS_TOKEN_FILE is read, CRLF trimmed', async () => {
    const cwd = await dirs.make();
    await writeJson(cwd, 'token.txt', 'file-token-value\r\n');
    const config = await loadConfig({
      env: { C1_ACCESS_TOKEN_FILE: join(cwd, 'token.txt'), C1_API_URL: 'https://acme.conductor.one' },
      cwd,
    });
    if (config.credentials?.kind !== 'access-token') throw new Error('expected an access token');
    expect(config.credentials.accessToken.reveal()).toBe('file-token-value');
  });

  it('SMTP_URL_FILE is read', async () => {
    const cwd = await dirs.make();
    await writeJson(cwd, 'smtp.txt', 'smtp://user:pw@127.0.0.1:2525\n');
    const config = await loadConfig({
      env: { SMTP_URL_FILE: 'smtp.txt', ALERT_EMAIL_TO: 'a@acme.example', ALERT_EMAIL_FROM: 'b@acme.example' },
      cwd,
    });
    expect(config.alerts.email.smtpUrl?.reveal()).toBe('smtp://user:pw@127.0.0.1:2525');
  });

  it.each(['C1_CLIENT_SECRET', 'C1_ACCESS_TOKEN', 'SMTP_URL'])('%s set both directly and as a _FILE is an error', async (name) => {
    const cwd = await dirs.make();
    await writeJson(cwd, 'value.txt', 'whatever');
    const { problems } = await validateConfig({ env: { [name]: 'direct-value', [`${name}_FILE`]: 'value.txt' }, cwd });
    expect(problems).toContainEqual({ key: name, message: `both ${name} and ${name}_FILE are set; set only one` });
  });

  it('a missing file is an error naming the variable and path, not a value', async () => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({ env: { C1_CLIENT_ID: CLIENT_ID, C1_CLIENT_SECRET_FILE: 'absent.txt' }, cwd });
    expect(problems).toEqual([
      { key: 'C1_CLIENT_SECRET_FILE', message: `file ${JSON.stringify(join(cwd, 'absent.txt'))} does not exist` },
    ]);
  });

  it('an empty file is an error', async () => {
    const cwd = await dirs.make();
    await writeJson(cwd, 'empty.txt', '\n');
    const { problems } = await validateConfig({ env: { C1_ACCESS_TOKEN_FILE: 'empty.txt' }, cwd });
    expect(keysOf(problems)).toEqual(['C1_ACCESS_TOKEN_FILE']);
    expect(problems[0]?.message).toMatch(/is empty$/);
  });

  it('a bad secret read from a file is reported against the _FILE variable', async () => {
    const cwd = await dirs.make();
    await writeJson(cwd, 's.txt', 'secret-token:conductorone.com:v2:abc\n');
    const { problems } = await validateConfig({ env: { C1_CLIENT_ID: CLIENT_ID, C1_CLIENT_SECRET_FILE: 's.txt' }, cwd });
    expect(keysOf(problems)).toEqual(['C1_CLIENT_SECRET_FILE']);
    expect(problems[0]?.message).toMatch(/unsupported version/);
  });
});

describe('email settings', () => {
  it('SMTP_URL without recipients or sender names both', async () => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({ env: { SMTP_URL: 'smtp://127.0.0.1:2525' }, cwd });
    expect(keysOf(problems)).toEqual(['ALERT_EMAIL_TO', 'ALERT_EMAIL_FROM']);
  });

  it('recipients without SMTP_URL is an error', async () => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({ env: { ALERT_EMAIL_TO: 'a@acme.example', ALERT_EMAIL_FROM: 'b@acme.example' }, cwd });
    expect(keysOf(problems)).toEqual(['SMTP_URL']);
  });

  it.each([
    ['not-an-address', /entry 1 is not an email address "not-an-address"/],
    ['ok@acme.example, bad@', /entry 2 is not an email address "bad@"/],
    // Numbered as written: the blank first item counts.
    [' , ok@acme.example, bad', /^entry 3 is not an email address "bad"/],
    ['ok@acme.example,,bad', /^entry 3 is not an email address "bad"/],
  ])('ALERT_EMAIL_TO=%j is rejected', async (value, pattern) => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({ env: { ALERT_EMAIL_TO: value }, cwd });
    expect(keysOf(problems)).toContain('ALERT_EMAIL_TO');
    expect(problems.find((p) => p.key === 'ALERT_EMAIL_TO')?.message).toMatch(pattern);
  });

  it.each([' , ', ',', ' ,, , '])('ALERT_EMAIL_TO=%j names no one: an error, not a fallback to alerts.email.to', async (value) => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', { alerts: { email: { to: ['file@acme.example'], from: 'from@acme.example' } } });
    const { config, problems } = await validateConfig({
      configPath: path,
      env: { SMTP_URL: 'smtp://127.0.0.1:2525', ALERT_EMAIL_TO: value },
      cwd,
    });
    expect(config).toBeNull();
    expect(problems).toEqual([{ key: 'ALERT_EMAIL_TO', message: expect.stringMatching(/^lists no address/) }]);
  });

  it.each([
    ['a line break', ['ok@acme.example', 'evil@acme.example\r\nBcc: x@y'], 'alerts.email.to[1]', /line breaks/],
    ['a comma', ['a@acme.example,b@acme.example'], 'alerts.email.to[0]', /no commas/],
    ['no @', ['nobody'], 'alerts.email.to[0]', /not an email address/],
  ])('alerts.email.to with %s is rejected, naming the entry', async (_name, to, key, pattern) => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', { alerts: { email: { to } } });
    const { problems } = await validateConfig({ configPath: path, env: { SMTP_URL: 'smtp://127.0.0.1' }, cwd });
    const problem = problems.find((p) => p.key === key);
    expect(problem?.message).toMatch(pattern);
  });

  it.each(['Alerts <alerts@acme.example>', 'alerts@acme.example'])('accepts the sender %j', async (from) => {
    const cwd = await dirs.make();
    const config = await loadConfig({
      env: { SMTP_URL: 'smtp://127.0.0.1:2525', ALERT_EMAIL_TO: 'a@acme.example', ALERT_EMAIL_FROM: from },
      cwd,
    });
    expect(config.alerts.email.from).toBe(from);
  });

  it.each(['Alerts <alerts@acme.example', 'x\r\nBcc: y@z <a@b>', 'plain text'])('rejects the sender %j', async (from) => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({ env: { ALERT_EMAIL_FROM: from }, cwd });
    expect(keysOf(problems)).toEqual(['ALERT_EMAIL_FROM']);
  });
});

describe('suppressions', () => {
  it('parses expiry dates: a bare date is midnight UTC, a date-time keeps its offset, absent is null', async () => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', {
      suppressions: [
        { rule: 'no-expiry', credential: 'pc-1', reason: 'break-glass key', expires: '2027-01-31' },
        { rule: 'unused', credential: CLIENT_ID, reason: 'standby', expires: '2027-01-31T12:00:00+02:00' },
        { rule: 'missing-cidr', credential: 'pc-2', reason: 'CI' },
      ],
    });
    const config = await loadConfig({ configPath: path, env: {}, cwd });
    expect(config.suppressions).toEqual([
      { rule: 'no-expiry', credential: 'pc-1', reason: 'break-glass key', expires: new Date('2027-01-31T00:00:00Z') },
      { rule: 'unused', credential: CLIENT_ID, reason: 'standby', expires: new Date('2027-01-31T10:00:00Z') },
      { rule: 'missing-cidr', credential: 'pc-2', reason: 'CI', expires: null },
    ]);
  });
});
