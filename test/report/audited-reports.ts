import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run-audit.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load.js';
import { DEMO_ROLES, DEMO_TENANT, demoPersonalClients } from '../../src/demo/sample-keys.js';
import { createLogger } from '../../src/logger.js';
import type { ReportFormat } from '../../src/report/formats.js';
import type { AuditReport } from '../../src/report/types.js';
import { generateCredential, startSimulator } from '../../src/simulator/index.js';

export const AS_OF = new Date('2026-11-26T07:00:00.000Z');
const DAY = 86_400_000;

export interface AuditedRuns {
  dir: string;
  reportDir: string;
  /** The report of each run, in order, as written to latest.json. */
  reports: AuditReport[];
  /** The raw bytes of each run's latest.json. */
  texts: string[];
  /** The report object each run handed to the report writer, and where it wrote the JSON. */
  written: { report: AuditReport; path: string }[];
  cleanup: () => Promise<void>;
}

/**
 * Real audits, in process, against the local C1 simulator serving the demo's
 * sample keys: the first sees them all; the second, a day later, sees some
 * fixed and one deleted, so its report has resolved findings too. Extra keys
 * (e.g. hostile display names) are served beside the samples. The clock is
 * real (C1 tokens need it); only the evaluation's "now" is fixed.
 */
export async function auditTwice(
  options: { formats?: ReportFormat[]; extraKeys?: (now: Date) => Record<string, unknown>[] } = {},
): Promise<AuditedRuns> {
  const dir = await mkdtemp(join(tmpdir(), 'c1-report-formats-'));
  const reportDir = join(dir, 'reports');
  const credential = generateCredential(DEMO_TENANT, 'report-otter');
  const keys = [...demoPersonalClients(AS_OF), ...(options.extraKeys?.(AS_OF) ?? [])];
  const sim = await startSimulator({ tenantHost: DEMO_TENANT, credentials: [credential], personalClients: keys, roles: DEMO_ROLES });
  const reports: AuditReport[] = [];
  const texts: string[] = [];
  const written: AuditedRuns['written'] = [];
  try {
    const loaded = await loadConfig({
      configPath: null,
      cwd: dir,
      env: {
        C1_CLIENT_ID: credential.clientId,
        C1_CLIENT_SECRET: credential.clientSecret,
        C1_API_URL: sim.url,
        REPORT_DIR: reportDir,
        STATE_DIR: join(dir, 'state'),
      },
    });
    const config = { ...loaded, report: { ...loaded.report, formats: options.formats ?? ['json', 'html', 'csv', 'ocsf'] } };
    const logger = createLogger('silent');
    const run = async (asOf: Date): Promise<void> => {
      const outcome = await runAudit({ config, asOf, dryRun: false, failOn: null }, { logger, clock: systemClock, print: () => undefined });
      if (outcome.error) throw outcome.error;
      if (outcome.report && outcome.reportPath) written.push({ report: outcome.report, path: outcome.reportPath });
      const text = await readFile(join(reportDir, 'latest.json'), 'utf8');
      texts.push(text);
      reports.push(JSON.parse(text) as AuditReport);
    };
    await run(AS_OF);
    // A day later: the laptop token got an expiry and a narrow source range, the VPN key was deleted.
    const fixed = keys.map((key) => {
      if (key.displayName === 'laptop token (do not share)') {
        return { ...key, expiresTime: new Date(AS_OF.getTime() + 30 * DAY).toISOString(), allowSourceCidr: ['198.51.100.7'] };
      }
      if (key.displayName === 'office VPN') return { ...key, deletedAt: new Date(AS_OF.getTime() + DAY / 2).toISOString() };
      return key;
    });
    sim.setPersonalClients(fixed);
    await run(new Date(AS_OF.getTime() + DAY));
  } finally {
    await sim.close();
  }
  return { dir, reportDir, reports, texts, written, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
