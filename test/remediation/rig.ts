/**
 * One isolated installation for remediation tests: a temp directory (config,
 * reports, state), a C1 simulator serving keys whose dates are relative to
 * the real now (the simulator checks token times against the real clock),
 * and `remediate` run in process, its output and logs kept.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/clock.js';
import { DAY_MS, systemClock } from '../../src/clock.js';
import { runRemediate, type RemediateOptions } from '../../src/remediation/command.js';
import type { RemediationPlan, RemediationRecord } from '../../src/remediation/types.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { memoryLogger } from '../helpers/simulator.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  logs: Record<string, unknown>[];
}

export interface Rig {
  dir: string;
  reportDir: string;
  stateDir: string;
  configPath: string;
  sim: Simulator;
  /** Extra environment for the next runs (e.g. SMTP_URL). */
  env: Record<string, string>;
  writeConfig(config: Record<string, unknown>): Promise<void>;
  remediate(options?: Partial<RemediateOptions>, clock?: Clock): Promise<RunResult>;
  /** Makes a plan and returns it with its path (fails the test when none was written). */
  plan(clock?: Clock): Promise<{ path: string; plan: RemediationPlan; run: RunResult }>;
  apply(path: string, clock?: Clock): Promise<RunResult>;
  records(): Promise<RemediationRecord[]>;
  files(): Promise<string[]>;
  /** Ids of the DELETE requests the simulator received, in order. */
  deletedIds(): string[];
  listedIds(): string[];
  close(): Promise<void>;
}

/** The fast test defaults: one retry, short timeouts. */
const BASE_CONFIG = { c1: { maxRetries: 1, timeoutMs: 5_000 } };

export async function createRig(keys: readonly unknown[], config: Record<string, unknown> = {}): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'c1-remediation-'));
  const reportDir = join(dir, 'reports');
  const stateDir = join(dir, 'state');
  const configPath = join(dir, 'config.json');
  const sim = await startSimulator({ personalClients: keys });
  const env: Record<string, string> = {};

  const writeConfig = async (next: Record<string, unknown>): Promise<void> => {
    await writeFile(configPath, `${JSON.stringify({ ...BASE_CONFIG, ...next }, null, 2)}\n`);
  };
  await writeConfig(config);

  const remediate = async (options: Partial<RemediateOptions> = {}, clock: Clock = systemClock): Promise<RunResult> => {
    let stdout = '';
    let stderr = '';
    const { logger, lines } = memoryLogger('info');
    const code = await runRemediate(
      { configPath, planOut: null, apply: null, ...options },
      {
        env: {
          C1_CLIENT_ID: sim.credential.clientId,
          C1_CLIENT_SECRET: sim.credential.clientSecret,
          C1_API_URL: sim.url,
          REPORT_DIR: reportDir,
          STATE_DIR: stateDir,
          ...env,
        },
        cwd: dir,
        clock,
        print: (text) => void (stdout += text.endsWith('\n') ? text : `${text}\n`),
        printError: (text) => void (stderr += `${text}\n`),
        logger,
      },
    );
    return { code, stdout, stderr, logs: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  };

  const files = async (): Promise<string[]> => {
    try {
      return (await readdir(reportDir)).sort();
    } catch {
      return [];
    }
  };

  return {
    dir,
    reportDir,
    stateDir,
    configPath,
    sim,
    env,
    writeConfig,
    remediate,
    async plan(clock) {
      const before = new Set(await files());
      const run = await remediate({}, clock);
      const written = (await files()).filter((name) => name.startsWith('remediation-plan-') && !before.has(name));
      if (run.code !== 0 || written.length !== 1) throw new Error(`no plan written (exit ${run.code}): ${run.stderr}${run.stdout}`);
      const path = join(reportDir, written[0]!);
      return { path, plan: JSON.parse(await readFile(path, 'utf8')) as RemediationPlan, run };
    },
    apply: (path, clock) => remediate({ apply: path }, clock),
    async records() {
      const names = (await files()).filter((name) => /^remediation-\d/.test(name));
      return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(reportDir, name), 'utf8')) as RemediationRecord));
    },
    files,
    deletedIds: () => sim.requestsTo('delete_personal_client').map((req) => decodeURIComponent(req.path.split('/').pop()!)),
    listedIds: () => sim.personalClients().map((item) => (item as { id: string }).id),
    async close() {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An ISO time `days` from the real now (negative = in the past). */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * DAY_MS).toISOString();
}

/**
 * A key clean for every rule but the ones its fields break: narrow CIDR,
 * scoped role, used yesterday, expires in 60 days, created 30 days ago.
 */
export function key(id: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    clientId: `${id}@acme.conductor.one/pcc`,
    displayName: `key ${id}`,
    userId: 'user-1',
    createdAt: daysFromNow(-30),
    expiresTime: daysFromNow(60),
    lastUsedAt: daysFromNow(-1),
    allowSourceCidr: ['203.0.113.0/24'],
    scopedRoles: ['role-log-reader'],
    ...fields,
  };
}

/** A tenant with one key per remediable rule and two that must never be planned. */
export function sampleKeys(): Record<string, unknown>[] {
  return [
    key('expired-1', { expiresTime: daysFromNow(-20), lastUsedAt: daysFromNow(-25) }),
    key('unused-1', { lastUsedAt: daysFromNow(-200), createdAt: daysFromNow(-250) }),
    key('never-used-1', { lastUsedAt: null, createdAt: daysFromNow(-30) }),
    key('fresh-1'),
    key('fresh-2', { allowSourceCidr: ['0.0.0.0/0'] }),
  ];
}

export const ALL_RULES = { remediation: { rules: ['expired', 'unused', 'never-used'] } };
