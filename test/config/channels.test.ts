import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { httpChannelSecrets, httpChannels } from '../../src/channels/http-channels.js';
import { validateConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/logger.js';
import { redactSecrets } from '../../src/redact.js';
import { keysOf, tempDirs, writeJson } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const SLACK = 'https://hooks.slack.com/services/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';
const HOOK = 'https://alerts.example.com/c1?token=tok-8c1d5e9f2a3b4c6d7e8f9a0b';
const KEY = 'whsec-4f9d2c7b1e8a6035d4c2b1a0f9e8d7c6';

async function validate(env: Record<string, string>, file?: unknown) {
  const cwd = await dirs.make();
  const configPath = file === undefined ? null : await writeJson(cwd, 'config.json', file);
  return validateConfig({ env, cwd, configPath });
}

describe('Slack and webhook configuration', () => {
  it('reads the URLs and the signing key as secrets, with the default bounds', async () => {
    const { config, problems } = await validate({ SLACK_WEBHOOK_URL: SLACK, WEBHOOK_URL: HOOK, WEBHOOK_SECRET: KEY });
    expect(problems).toEqual([]);
    expect(config?.alerts.slack.webhookUrl?.reveal()).toBe(SLACK);
    expect(config?.alerts.webhook.url?.reveal()).toBe(HOOK);
    expect(config?.alerts.webhook.secret?.reveal()).toBe(KEY);
    expect(config?.alerts.slack).toMatchObject({ timeoutMs: 10_000, maxRetries: 3, deadlineMs: 60_000 });
    // However the config is printed, the secrets are placeholders.
    const printed = JSON.stringify(config);
    for (const secret of [SLACK, HOOK, KEY, 'q1w2e3r4t5y6u7i8o9p0a1s2', 'tok-8c1d5e9f2a3b4c6d7e8f9a0b']) expect(printed).not.toContain(secret);
  });

  it('reads each from its *_FILE variable, without the trailing newline', async () => {
    const cwd = await dirs.make();
    await writeFile(join(cwd, 'slack'), `${SLACK}\n`);
    await writeFile(join(cwd, 'hook'), `${HOOK}\n`);
    await writeFile(join(cwd, 'key'), `${KEY}\n`);
    const { config, problems } = await validateConfig({
      env: { SLACK_WEBHOOK_URL_FILE: 'slack', WEBHOOK_URL_FILE: 'hook', WEBHOOK_SECRET_FILE: 'key' },
      cwd,
      configPath: null,
    });
    expect(problems).toEqual([]);
    expect(config?.alerts.slack.webhookUrl?.reveal()).toBe(SLACK);
    expect(config?.alerts.webhook.url?.reveal()).toBe(HOOK);
    expect(config?.alerts.webhook.secret?.reveal()).toBe(KEY);
  });

  it('takes timeouts, retries and deadlines from alerts.slack / alerts.webhook', async () => {
    const { config, problems } = await validate(
      { SLACK_WEBHOOK_URL: SLACK },
      { alerts: { slack: { timeoutMs: 5000, maxRetries: 1, deadlineMs: 20_000 }, webhook: { maxRetries: 0 } } },
    );
    expect(problems).toEqual([]);
    expect(config?.alerts.slack).toMatchObject({ timeoutMs: 5000, maxRetries: 1, deadlineMs: 20_000 });
    expect(config?.alerts.webhook).toMatchObject({ url: null, timeoutMs: 10_000, maxRetries: 0 });
  });

  it.each([
    ['SLACK_WEBHOOK_URL', 'http://hooks.slack.com/services/T0/B0/q1w2e3r4t5y6u7i8o9p0a1s2', /accepted only for loopback hosts/],
    ['WEBHOOK_URL', 'ftp://alerts.example.com/q1w2e3r4t5y6u7i8o9p0a1s2', /must be an https:\/\/ URL/],
    ['WEBHOOK_URL', 'not a url q1w2e3r4t5y6u7i8o9p0a1s2', /is not a valid URL/],
    ['WEBHOOK_URL', 'https://user:q1w2e3r4t5y6u7i8o9p0a1s2@alerts.example.com/', /user name or password/],
    ['SLACK_WEBHOOK_URL', 'https://hooks.slack.com/services/q1w2e3r4t5y6u7i8o9p0a1s2#x', /fragment/],
  ])('a bad %s is named by its variable and never echoed', async (variable, value, pattern) => {
    const { config, problems } = await validate({ [variable]: value });
    expect(config).toBeNull();
    expect(keysOf(problems)).toEqual([variable]);
    expect(problems[0]?.message).toMatch(pattern);
    const text = JSON.stringify(problems);
    expect(text).not.toContain('q1w2e3r4t5y6u7i8o9p0a1s2');
    expect(text).not.toContain('alerts.example.com');
    expect(text).not.toContain('hooks.slack.com');
  });

  it.each(['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]:9/x'])('http:// to loopback (%s) is fine', async (url) => {
    const { problems } = await validate({ WEBHOOK_URL: url });
    expect(problems).toEqual([]);
  });

  it('a signing key without a webhook, or a short one, is a problem that does not show it', async () => {
    const orphan = await validate({ WEBHOOK_SECRET: KEY });
    expect(orphan.problems).toEqual([
      { key: 'WEBHOOK_SECRET', message: 'WEBHOOK_SECRET is set but there is no webhook: set WEBHOOK_URL or WEBHOOK_URL_FILE, or unset it' },
    ]);
    const short = await validate({ WEBHOOK_URL: HOOK, WEBHOOK_SECRET: 'short-key' });
    expect(keysOf(short.problems)).toEqual(['WEBHOOK_SECRET']);
    expect(short.problems[0]?.message).toMatch(/at least 16 characters/);
    expect(JSON.stringify(short.problems)).not.toContain('short-key');
  });

  it('both a variable and its *_FILE is a problem', async () => {
    const { problems } = await validate({ SLACK_WEBHOOK_URL: SLACK, SLACK_WEBHOOK_URL_FILE: 'slack' });
    expect(keysOf(problems)).toEqual(['SLACK_WEBHOOK_URL']);
  });

  it('a URL in the config file is refused as a secret', async () => {
    const { problems } = await validate({}, { alerts: { slack: { webhookUrl: SLACK }, webhook: { url: HOOK, secret: KEY } } });
    expect(keysOf(problems)).toEqual(['alerts.slack.webhookUrl', 'alerts.webhook.url', 'alerts.webhook.secret']);
    expect(problems[0]?.message).toMatch(/secrets are not accepted in the config file \(value not shown\); set SLACK_WEBHOOK_URL or SLACK_WEBHOOK_URL_FILE/);
    expect(problems[1]?.message).toMatch(/set WEBHOOK_URL or WEBHOOK_URL_FILE/);
    expect(problems[2]?.message).toMatch(/set WEBHOOK_SECRET or WEBHOOK_SECRET_FILE/);
    expect(JSON.stringify(problems)).not.toContain(KEY);
    expect(JSON.stringify(problems)).not.toContain('q1w2e3r4t5y6u7i8o9p0a1s2');
  });
});

describe('httpChannels', () => {
  it('turns on exactly the configured channels, Slack first', async () => {
    const none = await validate({});
    expect(httpChannels(none.config!, { logger: silentLogger() })).toEqual([]);
    const slackOnly = await validate({ SLACK_WEBHOOK_URL: SLACK });
    expect(httpChannels(slackOnly.config!, { logger: silentLogger() }).map((c) => [c.id, c.label])).toEqual([['slack', 'Slack']]);
    const both = await validate({ SLACK_WEBHOOK_URL: SLACK, WEBHOOK_URL: HOOK, WEBHOOK_SECRET: KEY });
    const channels = httpChannels(both.config!, { logger: silentLogger() });
    expect(channels.map((c) => [c.id, c.label])).toEqual([
      ['slack', 'Slack'],
      ['webhook', 'webhook'],
    ]);
    for (const channel of channels) channel.close();
  });
});

describe('httpChannelSecrets', () => {
  it('lists every form of both URLs and the key, so any text can be cleaned of them', async () => {
    const { config } = await validate({ SLACK_WEBHOOK_URL: SLACK, WEBHOOK_URL: HOOK, WEBHOOK_SECRET: KEY });
    const text = `failed: ${SLACK} ${HOOK} key=${KEY} token tok-8c1d5e9f2a3b4c6d7e8f9a0b slack q1w2e3r4t5y6u7i8o9p0a1s2`;
    const clean = redactSecrets(text, httpChannelSecrets(config!));
    for (const secret of [SLACK, HOOK, KEY, 'tok-8c1d5e9f2a3b4c6d7e8f9a0b', 'q1w2e3r4t5y6u7i8o9p0a1s2']) expect(clean).not.toContain(secret);
    expect(clean.startsWith('failed: [redacted]')).toBe(true);
  });

  it('is empty when neither channel is configured', async () => {
    const { config } = await validate({});
    expect(httpChannelSecrets(config!)).toEqual([]);
  });
});
