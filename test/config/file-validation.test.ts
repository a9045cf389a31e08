import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import type { ConfigProblem } from '../../src/errors.js';
import { RULE_IDS } from '../../src/rules/ids.js';
import { keysOf, tempDirs, writeJson } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

async function problemsFor(content: unknown, env: Record<string, string> = {}): Promise<ConfigProblem[]> {
  const cwd = await dirs.make();
  const path = await writeJson(cwd, 'config.json', content);
  const { config, problems } = await validateConfig({ configPath: path, env, cwd });
  if (problems.length > 0) expect(config).toBeNull();
  return problems;
}

const KNOWN_RULES = RULE_IDS.join(', ');

describe('the config file is validated key by key', () => {
  it.each<[string, unknown, ConfigProblem[]]>([
    [
      'unknown top-level key',
      { reports: {} },
      [{ key: 'reports', message: 'unknown key (known here: $schema, c1, rules, suppressions, report, alerts, state, schedule, remediation)' }],
    ],
    [
      'unknown nested key',
      { c1: { timeoutMS: 5 } },
      [{ key: 'c1.timeoutMS', message: 'unknown key (known here: clientId, apiUrl, timeoutMs, maxRetries, scope, maxKeys, pageSize, maxPages, maxResponseBytes, maxPageTokenBytes, maxListingBytes)' }],
    ],
    [
      'unknown key deep in a list',
      { suppressions: [{ rule: 'expired', credential: 'x', reason: 'y', until: '2027-01-01' }] },
      [{ key: 'suppressions[0].until', message: 'unknown key (known here: rule, credential, reason, expires)' }],
    ],
    ['a string where a number belongs', { c1: { timeoutMs: '10000' } }, [{ key: 'c1.timeoutMs', message: 'must be an integer from 100 to 600000' }]],
    ['a fraction', { report: { keep: 2.5 } }, [{ key: 'report.keep', message: 'must be an integer from 1 to 100000' }]],
    ['a negative fraction, said once', { report: { keep: -2.5 } }, [{ key: 'report.keep', message: 'must be an integer from 1 to 100000' }]],
    ['keep below 1', { report: { keep: 0 } }, [{ key: 'report.keep', message: 'must be an integer from 1 to 100000' }]],
    ['pageSize above 100', { c1: { pageSize: 101 } }, [{ key: 'c1.pageSize', message: 'must be an integer from 1 to 100' }]],
    ['minPrefixV4 above 32', { rules: { broadCidr: { minPrefixV4: 33 } } }, [{ key: 'rules.broadCidr.minPrefixV4', message: 'must be an integer from 0 to 32' }]],
    ['minPrefixV6 above 128', { rules: { broadCidr: { minPrefixV6: 129 } } }, [{ key: 'rules.broadCidr.minPrefixV6', message: 'must be an integer from 0 to 128' }]],
    ['zero days', { rules: { unused: { days: 0 } } }, [{ key: 'rules.unused.days', message: 'must be an integer from 1 to 3650' }]],
    ['a string where a boolean belongs', { schedule: { runOnStart: 'yes' } }, [{ key: 'schedule.runOnStart', message: 'must be true or false' }]],
    ['a port out of range', { schedule: { healthPort: 70000 } }, [{ key: 'schedule.healthPort', message: 'must be an integer from 1 to 65535, or null' }]],
    ['an object where a list belongs', { rules: { disabled: 'expired' } }, [{ key: 'rules.disabled', message: 'must be a list (of rule ids)' }]],
    ['a list where an object belongs', { report: [] }, [{ key: 'report', message: 'must be an object' }]],
    [
      'urgentDays greater than days',
      { rules: { expiringSoon: { days: 5, urgentDays: 7 } } },
      [{ key: 'rules.expiringSoon.urgentDays', message: 'must not be greater than rules.expiringSoon.days (7 > 5)' }],
    ],
    [
      'urgentDays greater than the default days',
      { rules: { expiringSoon: { urgentDays: 20 } } },
      [{ key: 'rules.expiringSoon.urgentDays', message: 'must not be greater than rules.expiringSoon.days (20 > 14)' }],
    ],
    [
      'unknown rule in disabled',
      { rules: { disabled: ['expired', 'expird'] } },
      [{ key: 'rules.disabled[1]', message: `unknown rule "expird" (known: ${KNOWN_RULES})` }],
    ],
    [
      'unknown rule as a severity key',
      { rules: { severity: { 'no-expiry': 'critical', 'no-expiri': 'high' } } },
      [{ key: 'rules.severity.no-expiri', message: `unknown rule "no-expiri" (known: ${KNOWN_RULES})` }],
    ],
    [
      'unknown severity as a severity value',
      { rules: { severity: { expired: 'urgent' } } },
      [{ key: 'rules.severity.expired', message: 'unknown severity "urgent" (known: info, low, medium, high, critical)' }],
    ],
    [
      'unknown severity for alerts',
      { alerts: { minSeverity: 'severe' } },
      [{ key: 'alerts.minSeverity', message: 'unknown severity "severe" (known: info, low, medium, high, critical)' }],
    ],
    [
      'unknown rule in a suppression',
      { suppressions: [{ rule: 'stale', credential: 'pc-1', reason: 'ok' }] },
      [{ key: 'suppressions[0].rule', message: `unknown rule "stale" (known: ${KNOWN_RULES})` }],
    ],
    [
      'a suppression without a reason',
      { suppressions: [{ rule: 'expired', credential: 'pc-1' }] },
      [{ key: 'suppressions[0].reason', message: 'must be a string (why the finding is accepted)' }],
    ],
    [
      'a suppression with a blank reason',
      { suppressions: [{ rule: 'expired', credential: 'pc-1', reason: '   ' }] },
      [{ key: 'suppressions[0].reason', message: 'must not be empty (why the finding is accepted)' }],
    ],
    [
      'a suppression with an impossible date',
      { suppressions: [{ rule: 'expired', credential: 'pc-1', reason: 'r', expires: '2027-02-30' }] },
      [
        {
          key: 'suppressions[0].expires',
          message: 'must be an RFC 3339 date-time (e.g. 2027-01-31T00:00:00Z) or a date (e.g. 2027-01-31)',
        },
      ],
    ],
    [
      'a suppression with a date-time lacking a zone',
      { suppressions: [{ rule: 'expired', credential: 'pc-1', reason: 'r', expires: '2027-01-31T10:00:00' }] },
      [
        {
          key: 'suppressions[0].expires',
          message: 'must be an RFC 3339 date-time (e.g. 2027-01-31T00:00:00Z) or a date (e.g. 2027-01-31)',
        },
      ],
    ],
    ['an empty role name', { rules: { broadRoles: { roles: [''] } } }, [{ key: 'rules.broadRoles.roles[0]', message: 'must not be empty (a role id, name or display name)' }]],
    [
      'a remediation rule that cannot plan deletions',
      { remediation: { rules: ['expired', 'no-expiry'] } },
      [{ key: 'remediation.rules[1]', message: 'rule "no-expiry" cannot plan deletions (allowed: expired, unused, never-used, owner-inactive)' }],
    ],
    ['a remediation limit of 0', { remediation: { maxDeletes: 0 } }, [{ key: 'remediation.maxDeletes', message: 'must be an integer from 1 to 1000' }]],
  ])('%s', async (_name, content, expected) => {
    expect(await problemsFor(content)).toEqual(expected);
  });

  it('accepts every known rule id and severity', async () => {
    const severity = Object.fromEntries(RULE_IDS.map((id) => [id, 'info']));
    expect(await problemsFor({ rules: { disabled: [...RULE_IDS], severity } })).toEqual([]);
  });

  it('accepts a "$schema" key for editors', async () => {
    expect(await problemsFor({ $schema: './config.schema.json' })).toEqual([]);
  });

  it('reports several problems at once, from the file and the environment', async () => {
    const problems = await problemsFor(
      {
        c1: { timeoutMs: 'slow', apiUrl: 'http://c1.example.com' },
        rules: { disabled: ['nope'], expiringSoon: { days: 2, urgentDays: 3 } },
        schedule: { cron: 'every day', timezone: 'Mars/Olympus' },
        colour: 'blue',
      },
      { LOG_LEVEL: 'chatty', C1_CLIENT_ID: 'no-at-sign', AUDIT_TIMEZONE: 'Nowhere/City' },
    );
    expect(keysOf(problems).sort()).toEqual(
      [
        'AUDIT_TIMEZONE',
        'C1_CLIENT_ID',
        'LOG_LEVEL',
        'c1.apiUrl',
        'c1.timeoutMs',
        'colour',
        'rules.disabled[0]',
        'rules.expiringSoon.urgentDays',
        'schedule.cron',
        'schedule.timezone',
      ].sort(),
    );
  });
});

describe('schedule', () => {
  it.each([
    ['61 * * * *', 'AUDIT_CRON', /minute/],
    ['not a cron', 'AUDIT_CRON', /expected 5 or 6 fields but got 3/],
    ['0 7 * * * * *', 'AUDIT_CRON', /expected 5 or 6 fields but got 7/],
  ])('AUDIT_CRON=%j is rejected, naming the variable', async (cron, key, pattern) => {
    const problems = await problemsFor({}, { AUDIT_CRON: cron });
    expect(keysOf(problems)).toEqual([key]);
    expect(problems[0]?.message).toMatch(pattern);
    expect(problems[0]?.message).toContain(JSON.stringify(cron));
  });

  it.each(['61 * * * *', 'not a cron', '* * 31 2 *'])('schedule.cron %j is rejected, naming the key', async (cron) => {
    expect(keysOf(await problemsFor({ schedule: { cron } }))).toEqual(['schedule.cron']);
  });

  it.each(['0 7 * * *', '*/15 * * * *', '0 0 7 * * 1-5', '30 6 1 * *'])('accepts the cron expression %j (5 or 6 fields)', async (cron) => {
    expect(await problemsFor({ schedule: { cron } }, { AUDIT_CRON: cron })).toEqual([]);
  });

  it.each([
    ['file', { schedule: { timezone: 'Atlantis/Capital' } }, {}, 'schedule.timezone'],
    ['env', {}, { AUDIT_TIMEZONE: 'Atlantis/Capital' }, 'AUDIT_TIMEZONE'],
  ])('a bad timezone from the %s names its key', async (_source, content, env, key) => {
    const problems = await problemsFor(content, env);
    expect(problems).toEqual([
      { key, message: 'is not a known time zone "Atlantis/Capital" (use an IANA name such as "UTC" or "Europe/Berlin")' },
    ]);
  });
});

describe('API URL', () => {
  it.each([
    ['https://acme.conductor.one', 'https://acme.conductor.one'],
    ['https://acme.conductor.one/', 'https://acme.conductor.one'],
    ['https://proxy.example.com/c1/', 'https://proxy.example.com/c1'],
    ['http://localhost:8080', 'http://localhost:8080'],
    ['http://127.0.0.1:9000/', 'http://127.0.0.1:9000'],
    ['http://127.1.2.3', 'http://127.1.2.3'],
    ['http://[::1]:9000', 'http://[::1]:9000'],
  ])('accepts %s', async (url, expected) => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', { c1: { apiUrl: url } });
    const fromFile = await validateConfig({ configPath: path, env: {}, cwd });
    const fromEnv = await validateConfig({ env: { C1_API_URL: url }, cwd });
    expect(fromFile.problems).toEqual([]);
    expect(fromEnv.problems).toEqual([]);
    expect(fromFile.config?.c1.apiUrl).toBe(expected);
    expect(fromEnv.config?.c1.apiUrl).toBe(expected);
  });

  it.each([
    ['http://acme.conductor.one', /http:\/\/ is accepted only for loopback hosts/],
    ['http://10.0.0.1', /only for loopback/],
    ['http://localhost.evil.example', /only for loopback/],
    ['ftp://acme.conductor.one', /must use https/],
    ['acme.conductor.one', /not a valid URL/],
    ['https://user:pw@acme.conductor.one', /must not contain a user name or password/],
    ['https://acme.conductor.one/?x=1', /without a query/],
  ])('rejects %s in the file and in C1_API_URL', async (url, pattern) => {
    const fileProblems = await problemsFor({ c1: { apiUrl: url } });
    const envProblems = await problemsFor({}, { C1_API_URL: url });
    expect(keysOf(fileProblems)).toEqual(['c1.apiUrl']);
    expect(keysOf(envProblems)).toEqual(['C1_API_URL']);
    expect(fileProblems[0]?.message).toMatch(pattern);
    expect(envProblems[0]?.message).toMatch(pattern);
  });

  it('an explicit URL wins over the client ID host', async () => {
    const cwd = await dirs.make();
    const { config } = await validateConfig({
      env: { C1_CLIENT_ID: 'k@acme.conductor.one/pcc', C1_API_URL: 'http://127.0.0.1:1234' },
      cwd,
    });
    expect(config?.c1.apiUrl).toBe('http://127.0.0.1:1234');
  });
});

describe('client ID format', () => {
  it.each([
    ['no-at-sign/pcc', /no "@"/],
    ['name@acme.conductor.one', /no tenant host followed by "\/"/],
    ['name@acme.conductor.one/', /empty suffix/],
    ['name@bad_host!/pcc', /invalid tenant host/],
  ])('rejects %j from the file and from C1_CLIENT_ID', async (clientId, pattern) => {
    const fileProblems = await problemsFor({ c1: { clientId } });
    const envProblems = await problemsFor({}, { C1_CLIENT_ID: clientId });
    expect(keysOf(fileProblems)).toEqual(['c1.clientId']);
    expect(keysOf(envProblems)).toEqual(['C1_CLIENT_ID']);
    expect(fileProblems[0]?.message).toMatch(pattern);
    expect(envProblems[0]?.message).toMatch(pattern);
  });
});
