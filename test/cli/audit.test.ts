import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/report/types.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { launchCli, logLines, runCli } from '../helpers/cli.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { AS_OF, FIXTURE_KEYS, FIXTURE_ROLES, fixtureItems } from './fixture-tenant.js';

let sim: Simulator;
let dir: string;

beforeEach(async () => {
  sim = await startSimulator({ personalClients: fixtureItems(), roles: FIXTURE_ROLES, pageSize: 4 });
  dir = await mkdtemp(join(tmpdir(), 'c1-hygiene-cli-'));
});

afterEach(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

function env(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    C1_CLIENT_ID: sim.credential.clientId,
    C1_CLIENT_SECRET: sim.credential.clientSecret,
    C1_API_URL: sim.url,
    REPORT_DIR: join(dir, 'reports'),
    STATE_DIR: join(dir, 'state'),
    ...overrides,
  };
}

/** A config file that keeps failing runs fast: no retries, short timeouts. */
async function fastFailConfig(): Promise<string> {
  const path = join(dir, 'config.json');
  await writeFile(path, JSON.stringify({ c1: { maxRetries: 0, timeoutMs: 1000 } }));
  return path;
}

async function readLatest(): Promise<AuditReport> {
  return JSON.parse(await readFile(join(dir, 'reports', 'latest.json'), 'utf8')) as AuditReport;
}

function secretsOf(simulator: Simulator): string[] {
  const payload = simulator.credential.clientSecret.split(':')[3] ?? '';
  const jwk = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { d: string };
  return [simulator.credential.clientSecret, payload, jwk.d];
}

describe('audit against the simulator', () => {
  it('writes a report that is right key by key', async () => {
    const result = await runCli(['audit', '--as-of', AS_OF], { env: env() });
    expect(result.stderr).not.toMatch(/"level":50/);
    expect(result.code).toBe(0);

    const report = await readLatest();
    expect(report.schemaVersion).toBe(1);
    expect(report.tool.name).toBe('c1-credential-hygiene');
    expect(report.tenant).toBe('acme.conductor.one');
    expect(report.asOf).toBe('2026-11-26T12:00:00.000Z');

    const scanned = FIXTURE_KEYS.filter((k) => k.raw.id !== 'deleted');
    expect(report.clients.map((c) => c.id).sort()).toEqual(scanned.map((k) => k.raw.id).sort());
    for (const fixture of scanned) {
      const actual = Object.fromEntries(
        report.findings.filter((f) => f.credentialId === fixture.raw.id).map((f) => [f.ruleId, f.severity]),
      );
      expect({ key: fixture.raw.id, findings: actual }).toEqual({ key: fixture.raw.id, findings: fixture.expected });
    }

    const expectedCount = scanned.reduce((n, k) => n + Object.keys(k.expected).length, 0);
    expect(report.summary).toMatchObject({
      clientsScanned: scanned.length,
      clientsSkipped: 1,
      clientsDeleted: 1,
      findings: expectedCount,
      suppressed: 0,
    });
    expect(report.summary.bySeverity).toEqual({ critical: 1, high: 5, medium: 5, low: 2, info: 0 });
    expect(report.summary.byRule['expiring-soon']).toBe(2);
    expect(report.warnings.map((w) => [w.credentialId, w.field])).toEqual(
      expect.arrayContaining([
        ['wrong-type-date', 'expiresTime'],
        ['garbage-date', 'lastUsedAt'],
      ]),
    );
    for (const finding of report.findings) {
      expect(finding.fingerprint).toMatch(/^[0-9a-f]{16,}$/);
      expect(finding.remediation.length).toBeGreaterThan(20);
      expect(finding.firstSeenAt).toBe(report.asOf);
    }

    // The human summary names the worst finding and where the report is.
    expect(result.stdout).toContain('critical 1');
    expect(result.stdout).toContain('key open-cidr');
    expect(result.stdout).toContain('report-');
  });

  it('writes the dated report and latest.json atomically, owner and group only', async () => {
    expect((await runCli(['audit', '--as-of', AS_OF], { env: env() })).code).toBe(0);
    const files = await readdir(join(dir, 'reports'));
    const dated = files.filter((f) => /^report-.*\.json$/.test(f));
    expect(dated).toHaveLength(1);
    expect(files.filter((f) => f.includes('.tmp'))).toEqual([]);
    const datedText = await readFile(join(dir, 'reports', dated[0]!), 'utf8');
    expect(await readFile(join(dir, 'reports', 'latest.json'), 'utf8')).toBe(datedText);
    expect((await stat(join(dir, 'reports', 'latest.json'))).mode & 0o777).toBe(0o640);
  });

  it('keeps only the newest `keep` runs, each as JSON and HTML (the default formats)', async () => {
    const config = join(dir, 'keep.json');
    await writeFile(config, JSON.stringify({ report: { keep: 2 } }));
    for (let i = 0; i < 3; i++) expect((await runCli(['audit', '--config', config], { env: env() })).code).toBe(0);
    const dated = (await readdir(join(dir, 'reports'))).filter((f) => f.startsWith('report-'));
    expect(dated.filter((f) => f.endsWith('.json'))).toHaveLength(2);
    expect(dated.filter((f) => f.endsWith('.html'))).toHaveLength(2);
    expect(dated).toHaveLength(4);
  });

  it('remembers firstSeenAt and lists resolved findings on the next run', async () => {
    expect((await runCli(['audit', '--as-of', AS_OF], { env: env() })).code).toBe(0);
    // A complete listing (no unidentifiable item): a key that is absent is really gone.
    sim.setPersonalClients(FIXTURE_KEYS.map((k) => k.raw).filter((item) => item.id !== 'open-cidr'));
    expect((await runCli(['audit', '--as-of', '2026-11-26T13:00:00Z'], { env: env() })).code).toBe(0);
    const report = await readLatest();
    expect(report.resolved.map((r) => [r.credentialId, r.ruleId])).toEqual([['open-cidr', 'broad-cidr']]);
    const stillThere = report.findings.find((f) => f.credentialId === 'broad-cidr');
    expect(stillThere?.firstSeenAt).toBe('2026-11-26T12:00:00.000Z');
  });

  it('does not call the findings of a rule that was just disabled "resolved"', async () => {
    expect((await runCli(['audit', '--as-of', AS_OF], { env: env() })).code).toBe(0);
    const config = join(dir, 'disable.json');
    await writeFile(config, JSON.stringify({ rules: { disabled: ['broad-cidr'] } }));
    expect((await runCli(['audit', '--config', config, '--as-of', AS_OF], { env: env() })).code).toBe(0);
    const report = await readLatest();
    expect(report.findings.some((f) => f.ruleId === 'broad-cidr')).toBe(false);
    expect(report.resolved).toEqual([]);
  });

  it('does not call findings "resolved" for a key the listing could not identify', async () => {
    expect((await runCli(['audit', '--as-of', AS_OF], { env: env() })).code).toBe(0);
    sim.setPersonalClients(fixtureItems().map((item) => ((item as { id: string }).id === 'open-cidr' ? { ...(item as object), id: 42 } : item)));
    const result = await runCli(['audit', '--as-of', AS_OF], { env: env() });
    expect(result.code).toBe(0);
    const report = await readLatest();
    expect(report.resolved).toEqual([]);
    expect(report.warnings.some((w) => w.credentialId === null && w.field === 'id')).toBe(true);
  });

  it('does not call name-matched broad-roles findings "resolved" when roles cannot be listed', async () => {
    expect((await runCli(['audit', '--as-of', AS_OF], { env: env() })).code).toBe(0);
    expect((await readLatest()).findings.some((f) => f.credentialId === 'super-admin' && f.ruleId === 'broad-roles')).toBe(true);
    sim.injectFault({ kind: 'status', status: 403, route: 'roles' });
    const result = await runCli(['audit', '--as-of', AS_OF], { env: env() });
    expect(result.code).toBe(0);
    const report = await readLatest();
    expect(report.resolved).toEqual([]);
    expect(report.warnings.some((w) => w.field === 'scopedRoles' && /roles could not be listed/.test(w.message))).toBe(true);
  });

  it('sends no alert it cannot record, and says so with exit 4', async () => {
    const sink = await startSmtpSink();
    try {
      const blocker = join(dir, 'not-a-dir');
      await writeFile(blocker, 'a file where the state dir should be');
      const mailEnv = env({
        STATE_DIR: join(blocker, 'state'),
        SMTP_URL: sink.url(),
        ALERT_EMAIL_TO: 'secops@example.com',
        ALERT_EMAIL_FROM: 'c1-hygiene@example.com',
      });
      for (let run = 0; run < 2; run++) {
        const result = await runCli(['audit', '--as-of', AS_OF], { env: mailEnv });
        expect(result.code).toBe(4);
        expect(result.stderr).toContain('state');
      }
      expect(sink.received).toHaveLength(0);
      expect((await readLatest()).summary.findings).toBeGreaterThan(0);
    } finally {
      await sink.close();
    }
  });

  it('applies suppressions, severity overrides and disabled rules from the config', async () => {
    const config = join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        rules: { disabled: ['long-lived'], severity: { 'missing-cidr': 'critical' } },
        suppressions: [
          { rule: 'broad-cidr', credential: 'broad-cidr', reason: 'VPN egress range, accepted by security', expires: '2027-01-31' },
          { rule: 'unused', credential: 'unused@acme.conductor.one/pcc', reason: 'expired suppression', expires: '2026-11-01' },
        ],
      }),
    );
    expect((await runCli(['audit', '--config', config, '--as-of', AS_OF], { env: env() })).code).toBe(0);
    const report = await readLatest();
    expect(report.findings.some((f) => f.ruleId === 'long-lived')).toBe(false);
    expect(report.findings.find((f) => f.ruleId === 'missing-cidr')?.severity).toBe('critical');
    expect(report.suppressed).toHaveLength(1);
    expect(report.suppressed[0]).toMatchObject({
      credentialId: 'broad-cidr',
      ruleId: 'broad-cidr',
      reason: 'VPN egress range, accepted by security',
      suppressionExpires: '2027-01-31T00:00:00.000Z',
    });
    expect(report.findings.some((f) => f.credentialId === 'unused' && f.ruleId === 'unused')).toBe(true);
  });

  it('exits 1 with --fail-on when findings reach the threshold, 0 when they do not', async () => {
    expect((await runCli(['audit', '--as-of', AS_OF, '--fail-on', 'critical'], { env: env() })).code).toBe(1);
    sim.setPersonalClients(fixtureItems().filter((item) => (item as { id: string }).id !== 'open-cidr'));
    expect((await runCli(['audit', '--as-of', AS_OF, '--fail-on', 'critical'], { env: env() })).code).toBe(0);
    expect((await runCli(['audit', '--as-of', AS_OF, '--fail-on', 'high'], { env: env() })).code).toBe(1);
  });

  it('--dry-run prints the report and writes nothing', async () => {
    const result = await runCli(['audit', '--as-of', AS_OF, '--dry-run'], { env: env() });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as AuditReport;
    expect(printed.summary.findings).toBeGreaterThan(0);
    await expect(stat(join(dir, 'reports'))).rejects.toThrow();
    await expect(stat(join(dir, 'state'))).rejects.toThrow();
  });

  it('authenticates with a ready access token instead of a key', async () => {
    const token = sim.issueToken();
    const result = await runCli(['audit', '--as-of', AS_OF], {
      env: { C1_ACCESS_TOKEN: token, C1_API_URL: sim.url, REPORT_DIR: join(dir, 'reports'), STATE_DIR: join(dir, 'state') },
    });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(token);
    expect((await readLatest()).summary.clientsScanned).toBe(FIXTURE_KEYS.length - 1);
  });

  it('rides out a 503 and a 429 with Retry-After on the way, waiting as long as the 429 asks', async () => {
    // Retry-After: 0 asks for no wait at all, where backoff would wait up to a second; the log shows which was
    // taken without the test waiting for real. (Waits of other lengths: test/c1/faults.test.ts, with a recorded sleep.)
    sim.injectFault({ kind: 'status', status: 503, route: 'personal_clients' });
    sim.injectFault({ kind: 'status', status: 429, retryAfter: 0, route: 'personal_clients' });
    const result = await runCli(['audit', '--as-of', AS_OF], { env: env() });
    expect(result.code).toBe(0);
    expect((await readLatest()).summary.clientsScanned).toBe(FIXTURE_KEYS.length - 1);
    const retries = result.logs.filter((line) => line.msg === 'C1 request failed; retrying');
    expect(retries).toEqual([
      expect.objectContaining({ status: 503, attempt: 1, delayMs: expect.any(Number) }),
      expect.objectContaining({ status: 429, attempt: 2, delayMs: 0 }),
    ]);
  });

  it('gets a fresh token once when the cached one is revoked mid-listing', async () => {
    sim.injectFault({ kind: 'expire-tokens', route: 'personal_clients' });
    const result = await runCli(['audit', '--as-of', AS_OF], { env: env() });
    expect(result.code).toBe(0);
    expect(sim.requestsTo('token').length).toBe(2);
  });
});

describe('failed audits', () => {
  /** Runs one good audit, then a failing one; the failure must leave latest.json byte-identical. */
  async function expectFailureKeepsLatest(
    breakIt: () => Promise<void> | void,
    expected: { code: number; message: RegExp; envOverrides?: Record<string, string> },
  ): Promise<void> {
    expect((await runCli(['audit', '--as-of', AS_OF], { env: env() })).code).toBe(0);
    const before = await readFile(join(dir, 'reports', 'latest.json'));
    await breakIt();
    const config = await fastFailConfig();
    const result = await runCli(['audit', '--config', config, '--as-of', AS_OF], { env: env(expected.envOverrides) });
    expect(result.code).toBe(expected.code);
    expect(result.stderr).toMatch(expected.message);
    expect(await readFile(join(dir, 'reports', 'latest.json'))).toEqual(before);
    expect((await readdir(join(dir, 'reports'))).filter((f) => f.includes('.tmp'))).toEqual([]);
    for (const secret of secretsOf(sim)) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
  }

  it('exits 3 on an unreachable host', async () => {
    await expectFailureKeepsLatest(() => sim.close(), { code: 3, message: /127\.0\.0\.1/ });
  });

  it('exits 3 when C1 refuses the key', async () => {
    const stranger = (await import('../../src/simulator/index.js')).generateCredential('acme.conductor.one', 'stranger');
    await expectFailureKeepsLatest(() => {}, {
      code: 3,
      message: /C1_AUTH_FAILED|refused|401/,
      envOverrides: { C1_CLIENT_ID: stranger.clientId, C1_CLIENT_SECRET: stranger.clientSecret },
    });
  });

  it('exits 3 on a 403', async () => {
    await expectFailureKeepsLatest(() => sim.injectFault({ kind: 'status', status: 403, route: 'personal_clients' }), {
      code: 3,
      message: /403|permission/i,
    });
  });

  it('exits 3 on a body that is not JSON', async () => {
    await expectFailureKeepsLatest(() => sim.injectFault({ kind: 'malformed-json', route: 'personal_clients' }), {
      code: 3,
      message: /JSON/,
    });
  });

  it('exits 3 on persistent 5xx once retries are spent', async () => {
    await expectFailureKeepsLatest(() => sim.injectFault({ kind: 'status', status: 502, route: 'personal_clients', times: 5 }), {
      code: 3,
      message: /502/,
    });
  });

  it('exits 3 on a page token that repeats', async () => {
    await expectFailureKeepsLatest(() => sim.injectFault({ kind: 'repeat-page-token', route: 'personal_clients', times: 5 }), {
      code: 3,
      message: /page token|pagination/i,
    });
  });
});

describe('usage and configuration errors exit 2 and fetch nothing', () => {
  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [[], /no command/],
    [['audit', '--as-of', 'yesterday'], /--as-of "yesterday"/],
    [['audit', '--as-of', '2026-02-30T00:00:00Z'], /--as-of "2026-02-30T00:00:00Z" .*no such calendar date/],
    [['audit', '--fail-on', 'severe'], /--fail-on "severe"/],
    [['audit', '--bogus'], /bogus/],
    [['validate', '--dry-run'], /--dry-run does not apply to "validate"/],
  ])('%j', async (args, message) => {
    const result = await runCli(args, { env: env() });
    expect(result.code).toBe(2);
    expect(result.errorText).toMatch(message);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'USAGE' })]);
    expect(sim.requests).toHaveLength(0);
  });

  it('names a malformed secret without echoing it', async () => {
    const bad = 'secret-token:conductorone.com:v2:c3VwZXItc2VjcmV0LXZhbHVl';
    const result = await runCli(['audit'], { env: env({ C1_CLIENT_SECRET: bad }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('C1_CLIENT_SECRET');
    expect(result.stderr).not.toContain('c3VwZXItc2VjcmV0LXZhbHVl');
    expect(sim.requests).toHaveLength(0);
  });

  it('refuses an audit without credentials, naming what to set', async () => {
    const result = await runCli(['audit'], { env: { REPORT_DIR: join(dir, 'r'), STATE_DIR: join(dir, 's') } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('C1_CLIENT_ID');
  });

  it('refuses to start the schedule without credentials instead of failing every tick', async () => {
    const result = await runCli(['schedule'], { env: { AUDIT_CRON: '*/1 * * * * *', REPORT_DIR: join(dir, 'r'), STATE_DIR: join(dir, 's') } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('C1_CLIENT_ID');
    expect(result.stderr).not.toContain('audit started');
  });

  it('refuses plain http to a host that is not loopback', async () => {
    const result = await runCli(['audit'], { env: env({ C1_API_URL: 'http://c1.example.com' }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('C1_API_URL');
  });
});

describe('validate, --help, --version', () => {
  it('validate lists every problem at once and exits 2', async () => {
    const config = join(dir, 'bad.json');
    await writeFile(
      config,
      JSON.stringify({ rules: { disabled: ['expird'], expiringSoon: { days: 'soon' } }, schedule: { cron: '61 * * * *' }, extra: 1 }),
    );
    const result = await runCli(['validate', '--config', config], { env: env() });
    expect(result.code).toBe(2);
    for (const key of ['rules.disabled[0]', 'rules.expiringSoon.days', 'schedule.cron', 'extra']) {
      expect(result.stderr).toContain(key);
    }
    expect(sim.requests).toHaveLength(0);
  });

  it('validate accepts a good configuration without touching the network', async () => {
    const result = await runCli(['validate'], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('valid');
    expect(sim.requests).toHaveLength(0);
  });

  it('validate says what is missing when no credentials are set', async () => {
    const result = await runCli(['validate'], { env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('C1_CLIENT_ID');
  });

  it('--help and --version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['audit', 'schedule', 'validate', 'demo', '--as-of', '--fail-on', '--dry-run']) {
      expect(help.stdout).toContain(command);
    }
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(`c1-credential-hygiene ${pkg.version}`);
  });
});

/** The executable itself, launched as users and cron do: a few smoke tests; everything else above runs in process. */
describe('the c1-hygiene executable', () => {
  it('prints its version and its help', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const version = await launchCli(['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout.trim()).toBe(`c1-credential-hygiene ${pkg.version}`);
    const help = await launchCli(['audit', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: c1-hygiene audit \[--config FILE\]/);
  });

  it('audits, writing the report and JSON log lines only', async () => {
    const result = await launchCli(['audit', '--as-of', AS_OF], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('key open-cidr');
    expect((await readLatest()).summary.clientsScanned).toBe(FIXTURE_KEYS.length - 1);
    const lines = logLines(result.stderr);
    expect(lines.filter((line) => 'text' in line)).toEqual([]);
    expect(lines.some((line) => line.msg === 'audit finished')).toBe(true);
  });

  it('ends once everything it printed is out: a --dry-run report far larger than a pipe holds arrives whole', async () => {
    const keys = Array.from({ length: 600 }, (_, i) => ({ id: `bulk-${i}`, clientId: `bulk-${i}@acme.conductor.one/pcc`, displayName: `bulk key ${i}` }));
    sim.setPersonalClients(keys);
    const result = await launchCli(['audit', '--as-of', AS_OF, '--dry-run'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    // Several times the 64 KiB a pipe buffers.
    expect(result.stdout.length).toBeGreaterThan(4 * 64 * 1024);
    const printed = JSON.parse(result.stdout) as AuditReport;
    expect(printed.clients.map((client) => client.id)).toEqual(keys.map((key) => key.id));
    expect(logLines(result.stderr).some((line) => line.msg === 'dry run finished; nothing written or sent')).toBe(true);
  });

  it('exits 2 on a usage error, saying so in a JSON line', async () => {
    const result = await launchCli(['audit', '--dryrun'], { env: env() });
    expect(result.code).toBe(2);
    expect(logLines(result.stderr)).toEqual([
      expect.objectContaining({ level: 50, code: 'USAGE', msg: expect.stringMatching(/^unknown option --dryrun; did you mean --dry-run\?/) }),
    ]);
    expect(sim.requests).toHaveLength(0);
  });
});
