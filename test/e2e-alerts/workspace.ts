/**
 * One isolated installation of the CLI for an end-to-end alerting test: a
 * temp directory (config, reports, state), a C1 simulator serving fixed keys,
 * and a way to run `c1-hygiene audit` against them with a chosen SMTP URL.
 * Every run's stdout/stderr is kept so tests can search all output for secrets.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import type { LifecycleState } from '../../src/lifecycle/types.js';
import type { AuditReport } from '../../src/report/types.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runCli, type InProcessResult } from '../helpers/cli.js';
import type { SmtpSink } from '../helpers/smtp-sink.js';

export const RECIPIENTS = ['secops@example.com', 'oncall@example.com'];
export const SENDER = 'hygiene@example.com';
export const TENANT = 'acme.conductor.one';

/** No in-run retries, so failure tests are quick; the timeout bounds a whole delivery attempt, so it leaves room for a loaded machine. */
export const FAST_EMAIL = { timeoutMs: 5_000, retries: 0 };

export interface AuditRun {
  /** `--as-of`, RFC 3339; always fixed so runs are deterministic. */
  asOf: string;
  /** SMTP_URL; null leaves email unconfigured. */
  smtpUrl: string | null;
  dryRun?: boolean;
  /** More environment (e.g. SLACK_WEBHOOK_URL, WEBHOOK_URL, WEBHOOK_SECRET). */
  env?: Record<string, string>;
  /** The command; default `audit`. */
  command?: 'audit' | 'validate';
}

export interface Workspace {
  dir: string;
  reportDir: string;
  stateDir: string;
  sim: Simulator;
  /** Every CLI run so far, oldest first. */
  runs: InProcessResult[];
  /** Replaces the config file the next runs read (`--config`). */
  writeConfig(config: Record<string, unknown>): Promise<void>;
  audit(run: AuditRun): Promise<InProcessResult>;
  latestReport(): Promise<AuditReport>;
  latestBytes(): Promise<Buffer>;
  state(): Promise<LifecycleState>;
  /** Every file under the workspace, by relative path, with its bytes. */
  snapshot(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export async function createWorkspace(personalClients: readonly unknown[], config: Record<string, unknown> = {}): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'c1-e2e-alerts-'));
  const reportDir = join(dir, 'reports');
  const stateDir = join(dir, 'state');
  const configPath = join(dir, 'config.json');
  const sim = await startSimulator({ personalClients });
  const runs: InProcessResult[] = [];

  const writeConfig = async (next: Record<string, unknown>): Promise<void> => {
    const alerts = (next.alerts ?? {}) as Record<string, unknown>;
    const email = (alerts.email ?? {}) as Record<string, unknown>;
    const merged = { ...next, alerts: { ...alerts, email: { ...FAST_EMAIL, ...email } } };
    await writeFile(configPath, `${JSON.stringify(merged, null, 2)}\n`);
  };
  await writeConfig(config);

  return {
    dir,
    reportDir,
    stateDir,
    sim,
    runs,
    writeConfig,
    async audit(run) {
      const env: Record<string, string> = {
        C1_CLIENT_ID: sim.credential.clientId,
        C1_CLIENT_SECRET: sim.credential.clientSecret,
        C1_API_URL: sim.url,
        ALERT_EMAIL_TO: RECIPIENTS.join(','),
        ALERT_EMAIL_FROM: SENDER,
        REPORT_DIR: reportDir,
        STATE_DIR: stateDir,
      };
      if (run.smtpUrl !== null) env.SMTP_URL = run.smtpUrl;
      Object.assign(env, run.env);
      const args = run.command === 'validate' ? ['validate', '--config', configPath] : ['audit', '--config', configPath, '--as-of', run.asOf];
      if (run.dryRun) args.push('--dry-run');
      const result = await runCli(args, { env, cwd: dir });
      runs.push(result);
      return result;
    },
    latestReport: async () => JSON.parse(await readFile(join(reportDir, 'latest.json'), 'utf8')) as AuditReport,
    latestBytes: () => readFile(join(reportDir, 'latest.json')),
    state: async () => JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as LifecycleState,
    snapshot: () => snapshotTree(dir),
    async close() {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function snapshotTree(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        files.set(`${relative(root, path)}/`, '(dir)');
        await walk(path);
      } else {
        files.set(relative(root, path), (await readFile(path)).toString('base64'));
      }
    }
  };
  if (existsSync(root)) await walk(root);
  return files;
}

export { unusedPort as closedPort } from '../helpers/ports.js';

/** `clientId rule` pairs, the identity of a finding as a reader of the mail sees it. */
export function pairKey(clientId: string, ruleId: string): string {
  return `${clientId} ${ruleId}`;
}

/** The report's findings at or above the severity, as `clientId rule` pairs. */
export function reportPairs(report: AuditReport, minSeverity: 'medium' | 'low' | 'high' = 'medium'): string[] {
  const order = ['info', 'low', 'medium', 'high', 'critical'];
  return report.findings
    .filter((finding) => order.indexOf(finding.severity) >= order.indexOf(minSeverity))
    .map((finding) => pairKey(finding.clientId, finding.ruleId))
    .sort();
}

/**
 * The findings a digest lists, read from its plain-text part the way a person
 * reads it: each key's "Client ID:" line, then its findings, one "  - rule (title)"
 * line each, until the next key.
 */
export function mailedPairs(text: string): string[] {
  const pairs: string[] = [];
  let clientId: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('== ') || line.startsWith('Resolved since')) clientId = null;
    const client = /^Client ID:\s+(\S.*)$/.exec(line);
    if (client) {
      clientId = client[1]!.trim();
      continue;
    }
    const rule = /^ {2}- (\S+) \(/.exec(line);
    if (rule && clientId !== null) pairs.push(pairKey(clientId, rule[1]!));
  }
  return pairs.sort();
}

/** The "Resolved since the last alert" section of a digest, as `clientId rule` pairs. */
export function mailedResolvedPairs(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith('Resolved since the last alert'));
  if (start < 0) return [];
  const pairs: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^- .*\(([^()\s]+)\): (\S+)$/.exec(line);
    if (!match) break;
    pairs.push(pairKey(match[1]!, match[2]!));
  }
  return pairs.sort();
}

/** Every form in which the C1 client secret could leak: the whole secret, its base64url payload, the private key. */
export function c1Secrets(sim: Simulator): string[] {
  const payload = sim.credential.clientSecret.split(':')[3] ?? '';
  const jwk = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { d: string };
  return [sim.credential.clientSecret, payload, jwk.d];
}

/** An SMTP password as it could leak: raw, percent-encoded, and the base64 forms AUTH PLAIN/LOGIN send. */
export function smtpPasswordForms(user: string, pass: string): string[] {
  return [
    pass,
    encodeURIComponent(pass),
    Buffer.from(pass).toString('base64'),
    Buffer.from(`\u0000${user}\u0000${pass}`).toString('base64'),
  ];
}

/**
 * Asserts that no secret appears in any CLI output of the workspace, in any
 * file under it (reports, state, config), or in any message a sink received.
 */
export async function expectNoSecretsAnywhere(workspace: Workspace, secrets: readonly string[], sinks: readonly SmtpSink[]): Promise<void> {
  expect(secrets.every((secret) => secret.length >= 8), 'secrets must be long enough to be distinctive').toBe(true);
  const places: { where: string; text: string }[] = [];
  workspace.runs.forEach((run, index) => {
    places.push({ where: `run ${index} stdout`, text: run.stdout }, { where: `run ${index} stderr`, text: run.stderr });
  });
  for (const [path, base64] of await workspace.snapshot()) {
    if (!path.endsWith('/')) places.push({ where: `file ${path}`, text: Buffer.from(base64, 'base64').toString('utf8') });
  }
  sinks.forEach((sink, s) =>
    sink.received.forEach((mail, m) => {
      places.push({ where: `sink ${s} mail ${m}`, text: mail.raw.toString('utf8') });
      places.push({ where: `sink ${s} mail ${m} (decoded)`, text: `${mail.parsed.text ?? ''}\n${String(mail.parsed.html)}` });
    }),
  );
  expect(places.some((place) => place.where.includes('state.json'))).toBe(true);
  expect(places.some((place) => place.where.includes('latest.json'))).toBe(true);
  const leaks = places.flatMap((place) =>
    secrets.filter((secret) => place.text.includes(secret)).map((secret) => `${place.where} holds a secret of ${secret.length} chars`),
  );
  expect(leaks).toEqual([]);
}
