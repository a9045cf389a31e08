import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { allText, CLIENT_ID, keysOf, makeClientSecret, tempDirs, writeJson } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const SECRET_PREFIX = 'secret-token:conductorone.com:v1:';
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Bad secrets, each with a distinctive payload that must never show up in a message. */
const BAD_SECRETS: Array<[string, string, RegExp]> = [
  ['too few parts', 'secret-token:conductorone.com:PAYLOADqwertyuiop', /must have 4 ":"-separated parts/],
  ['too many parts', `${SECRET_PREFIX}PAYLOADqwertyuiop:extra`, /must have 4 ":"-separated parts/],
  ['wrong prefix', 'token-secret:conductorone.com:v1:PAYLOADqwertyuiop', /must start with "secret-token:"/],
  ['wrong version', 'secret-token:conductorone.com:v2:PAYLOADqwertyuiop', /unsupported version/],
  ['payload not base64url', `${SECRET_PREFIX}PAYLOAD+qwerty/uiop==`, /payload is not base64url/],
  ['payload not JSON', `${SECRET_PREFIX}${Buffer.from('PAYLOADqwertyuiop not json').toString('base64url')}`, /not a base64url-encoded JSON Web Key/],
  [
    'payload an RSA key',
    `${SECRET_PREFIX}${b64({ kty: 'RSA', n: 'PAYLOADqwertyuiop', e: 'AQAB', d: 'PAYLOADzxcvbnm' })}`,
    /not an Ed25519 private JSON Web Key/,
  ],
  [
    'payload an Ed25519 public key only',
    `${SECRET_PREFIX}${b64({ kty: 'OKP', crv: 'Ed25519', x: 'PAYLOADqwertyuiop' })}`,
    /not an Ed25519 private JSON Web Key/,
  ],
  [
    'payload an Ed25519 key that does not load',
    `${SECRET_PREFIX}${b64({ kty: 'OKP', crv: 'Ed25519', x: 'PAYLOADqwertyuiop', d: 'PAYLOADzxcvbnm' })}`,
    /does not load/,
  ],
];

describe('secrets never appear in problems', () => {
  it.each(BAD_SECRETS)('a client secret with %s is rejected without echo', async (_name, secret, pattern) => {
    const cwd = await dirs.make();
    const { config, problems } = await validateConfig({ env: { C1_CLIENT_ID: CLIENT_ID, C1_CLIENT_SECRET: secret }, cwd });
    expect(config).toBeNull();
    expect(keysOf(problems)).toEqual(['C1_CLIENT_SECRET']);
    expect(problems[0]?.message).toMatch(pattern);
    const text = allText(problems);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('PAYLOAD');
    expect(text).not.toContain(secret.split(':')[3] ?? secret);
  });

  it('a valid secret passes the format check', async () => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({ env: { C1_CLIENT_ID: CLIENT_ID, C1_CLIENT_SECRET: makeClientSecret() }, cwd });
    expect(problems).toEqual([]);
  });

  it.each([
    ['c1.clientSecret', { c1: { clientSecret: 'SUPERSECRETVALUE123' } }, /C1_CLIENT_SECRET or C1_CLIENT_SECRET_FILE/],
    ['c1.accessToken', { c1: { accessToken: 'SUPERSECRETVALUE123' } }, /C1_ACCESS_TOKEN or C1_ACCESS_TOKEN_FILE/],
    ['smtpUrl', { smtpUrl: 'smtp://u:SUPERSECRETVALUE123@mail' }, /SMTP_URL or SMTP_URL_FILE/],
    ['alerts.email.smtpUrl', { alerts: { email: { smtpUrl: 'smtp://u:SUPERSECRETVALUE123@mail' } } }, /SMTP_URL or SMTP_URL_FILE/],
    ['alerts.email.password', { alerts: { email: { password: 'SUPERSECRETVALUE123' } } }, /SMTP_URL or SMTP_URL_FILE/],
    ['c1.client_secret', { c1: { client_secret: 'SUPERSECRETVALUE123' } }, /C1_CLIENT_SECRET/],
    ['c1.privateKey', { c1: { privateKey: 'SUPERSECRETVALUE123' } }, /secrets are not accepted in the config file/],
  ])('%s in the JSON file is rejected without echoing the value', async (key, content, pattern) => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', content);
    const { problems } = await validateConfig({ configPath: path, env: {}, cwd });
    expect(keysOf(problems)).toEqual([key]);
    expect(problems[0]?.message).toMatch(/not accepted in the config file/);
    expect(problems[0]?.message).toMatch(pattern);
    expect(allText(problems)).not.toContain('SUPERSECRETVALUE123');
  });

  it.each([
    'http://user:hunter2secret@mail.example.com',
    'smtp//user:hunter2secret@mail.example.com',
    'smtp://user:hunter2secret@',
    'mailto:user:hunter2secret@mail.example.com',
  ])('an invalid SMTP_URL is reported without echoing it (%#)', async (url) => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({ env: { SMTP_URL: url }, cwd });
    expect(problems).toEqual([
      { key: 'SMTP_URL', message: 'is not a valid smtp:// or smtps:// URL (e.g. smtp://user:pass@mail.example.com:587)' },
    ]);
    expect(allText(problems)).not.toContain('hunter2secret');
  });

  it('a valid SMTP_URL with a password stays out of every message and prints redacted', async () => {
    const cwd = await dirs.make();
    const url = 'smtp://mailer:hunter2secret@127.0.0.1:2525';
    // Half-configured on purpose, so there are messages that talk about SMTP_URL.
    const { problems } = await validateConfig({ env: { SMTP_URL: url }, cwd });
    expect(keysOf(problems)).toEqual(['ALERT_EMAIL_TO', 'ALERT_EMAIL_FROM']);
    expect(allText(problems)).not.toContain('hunter2secret');

    const config = await loadConfig({
      env: { SMTP_URL: url, ALERT_EMAIL_TO: 'a@acme.example', ALERT_EMAIL_FROM: 'b@acme.example' },
      cwd,
    });
    expect(config.alerts.email.smtpUrl?.reveal()).toBe(url);
    expect(JSON.stringify(config)).not.toContain('hunter2secret');
    expect(inspect(config, { depth: 10 })).not.toContain('hunter2secret');
  });

  it('the loaded config never prints a client secret or token', async () => {
    const cwd = await dirs.make();
    const secret = makeClientSecret();
    const config = await loadConfig({ env: { C1_CLIENT_ID: CLIENT_ID, C1_CLIENT_SECRET: secret }, cwd });
    expect(JSON.stringify(config)).not.toContain(secret.split(':')[3]);
    expect(inspect(config, { depth: 10 })).not.toContain(secret.split(':')[3]);
    expect(`${String(config.credentials?.kind === 'client-key' && config.credentials.clientSecret)}`).toBe('[redacted]');
  });

  it('a ConfigError message holds no secret when many things are wrong', async () => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', { c1: { clientSecret: 'FILESECRETVALUE1' }, report: { keep: 'x' } });
    const envSecret = 'secret-token:conductorone.com:v9:ENVSECRETVALUE2';
    const error = await loadConfig({
      configPath: path,
      env: { C1_CLIENT_SECRET: envSecret, C1_ACCESS_TOKEN: 'ENVTOKENVALUE3', SMTP_URL: 'smtps://u:ENVSMTPPASS4@mail' },
      cwd,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const secret of ['FILESECRETVALUE1', 'ENVSECRETVALUE2', 'ENVTOKENVALUE3', 'ENVSMTPPASS4']) {
      expect(message).not.toContain(secret);
      expect(JSON.stringify((error as ConfigError).details)).not.toContain(secret);
    }
    expect(keysOf((error as ConfigError).problems)).toEqual(
      expect.arrayContaining(['c1.clientSecret', 'report.keep', 'C1_ACCESS_TOKEN', 'ALERT_EMAIL_TO', 'ALERT_EMAIL_FROM']),
    );
  });
});

describe('a rejected client ID next to a secret', () => {
  it('is reported once, as malformed, not also as missing', async () => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({
      configPath: null,
      env: { C1_CLIENT_ID: 'not-a-client-id', C1_CLIENT_SECRET: makeClientSecret() },
      cwd,
    });
    expect(problems.filter((p) => p.key === 'C1_CLIENT_ID')).toHaveLength(1);
    expect(problems.find((p) => p.key === 'C1_CLIENT_ID')?.message).toMatch(/must look like/);
  });
});
