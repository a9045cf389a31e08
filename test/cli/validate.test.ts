import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'c1-hygiene-validate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(content));
  return path;
}

/** The keys of the problems a run reported, from its JSON error line. */
function problemKeys(errors: Record<string, unknown>[]): string[] {
  const problems = errors.flatMap((line) => (Array.isArray(line.problems) ? (line.problems as { key: string }[]) : []));
  return problems.map((problem) => problem.key).sort();
}

const CLIENT_ID = 'cool-otter-12345@acme.conductor.one/pcc';

describe('every problem in one pass', () => {
  it('validate reports missing credentials next to the file problems', async () => {
    const config = await configFile('bad.json', { rules: { unused: { days: 'ninety' } }, extra: true });
    const result = await runCli(['validate', '--config', config], { cwd: dir });
    expect(result.code).toBe(2);
    expect(problemKeys(result.errors)).toEqual(['C1_CLIENT_ID', 'C1_CLIENT_SECRET', 'extra', 'rules.unused.days']);
    expect(result.errorText).toContain('no C1 credentials');
  });

  it('audit reports them together too, and fetches nothing', async () => {
    const result = await runCli(['audit'], { cwd: dir, env: { ALERT_EMAIL_TO: 'secops@example.com', C1_API_URL: 'https://acme.conductor.one' } });
    expect(result.code).toBe(2);
    expect(problemKeys(result.errors)).toEqual(['C1_CLIENT_ID', 'C1_CLIENT_SECRET', 'SMTP_URL']);
  });

  it('a broken section does not hide what the valid ones say', async () => {
    // c1.clientId is in the file and valid: no "there is no client ID" beside the real problem.
    const config = await configFile('partly.json', {
      c1: { clientId: CLIENT_ID },
      rules: { expiringSoon: { days: 'soon' } },
      alerts: { email: { to: ['secops@example.com'] } },
    });
    const result = await runCli(['validate', '--config', config], { cwd: dir, env: { C1_CLIENT_SECRET: 'x' } });
    expect(result.code).toBe(2);
    // The recipients of the valid alerts section are judged in the same pass: no SMTP server for them.
    expect(problemKeys(result.errors)).toEqual(['C1_CLIENT_SECRET', 'SMTP_URL', 'rules.expiringSoon.days']);
  });

  it('a credential that is set but wrong is reported once, without "missing credentials" on top', async () => {
    const result = await runCli(['validate'], { cwd: dir, env: { C1_CLIENT_ID: 'not-a-client-id', C1_CLIENT_SECRET: 'x' } });
    expect(result.code).toBe(2);
    expect(result.errorText).not.toContain('no C1 credentials');
    expect(problemKeys(result.errors)).toContain('C1_CLIENT_ID');
  });
});

describe('cron expressions', () => {
  it.each([
    ['AUDIT_CRON', { AUDIT_CRON: '61 * * * *' }, {}],
    ['schedule.cron', {}, { schedule: { cron: '61 * * * *' } }],
  ])('a bad %s is our own sentence naming the key and the field', async (key, env, file) => {
    const config = await configFile(`cron-${key}.json`, file);
    const result = await runCli(['validate', '--config', config], { cwd: dir, env: { C1_ACCESS_TOKEN: 'token-1234567890', C1_API_URL: 'https://acme.conductor.one', ...env } });
    expect(result.code).toBe(2);
    expect(result.errorText).toContain(`  - ${key}: is not a valid cron expression "61 * * * *": the minute field is 61, outside 0-59.`);
    expect(result.errorText).not.toMatch(/is a invalid expression/);
  });

  it.each([
    ['* 7 * * 9', 'the day-of-week field is 9, outside 0-7 or sun-sat (0 and 7 are Sunday)'],
    ['0 7 * * FOO', 'the day-of-week field "FOO" is not valid: use 0-7 or sun-sat'],
    ['0 7 31 2 *', 'the day-of-month field "31" never occurs in the month field "2"'],
    ['0 7 * *', 'expected 5 or 6 fields but got 4'],
    ['61 25 * * *', 'the minute field is 61, outside 0-59; the hour field is 25, outside 0-23'],
  ])('AUDIT_CRON=%j: %s', async (cron, reason) => {
    const result = await runCli(['validate'], { cwd: dir, env: { C1_ACCESS_TOKEN: 'token-1234567890', C1_API_URL: 'https://acme.conductor.one', AUDIT_CRON: cron } });
    expect(result.code).toBe(2);
    expect(result.errorText).toContain(`AUDIT_CRON: is not a valid cron expression ${JSON.stringify(cron)}: ${reason}`);
  });
});
