/**
 * The alert stage of an audit, run in process the way `runAudit` runs it
 * (track findings against the saved state, build the channels from the
 * report, plan, send, record, save), over a report the test builds: the
 * findings carry owners without needing an owner lookup.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertAndRecord, noticeFailure, previewAlerts, type AlertResult, type ChannelPreview } from '../../src/audit/alerting.js';
import { buildChannels, closeChannels } from '../../src/channels/registry.js';
import { loadConfig } from '../../src/config/load.js';
import type { AppConfig } from '../../src/config/types.js';
import type { ChannelOutcome } from '../../src/channels/dispatch.js';
import type { KeyWarning, Owner } from '../../src/keys/types.js';
import { loadState } from '../../src/lifecycle/state.js';
import { trackFindings } from '../../src/lifecycle/track.js';
import type { LifecycleState } from '../../src/lifecycle/types.js';
import type { Finding } from '../../src/rules/types.js';
import { finding } from '../lifecycle/sample-findings.js';
import { memoryLogger } from '../helpers/simulator.js';
import { sampleReport } from '../report/sample-report.js';

export const LIST = ['secops@example.com', 'oncall@example.com'];
export const SENDER = 'hygiene@example.com';
export const OWNER_DOMAIN = 'acme.example';

export function owner(id: string, email: string | null, status = 'ENABLED', displayName: string | null = `User ${id}`): Owner {
  return { id, email, displayName, status };
}

/** A high finding (so due at the default minSeverity) of `rule` on key `key`, owned by `who`. */
export function ownedFinding(key: string, who: Owner | null, rule = 'no-expiry'): Finding {
  return finding({ credentialId: key, ruleId: rule, owner: who });
}

export interface RoutingRig {
  config: AppConfig;
  stateDir: string;
  logs: () => string;
  /** One audit's alert stage at `now` over `findings`. */
  run(findings: Finding[], now: Date): Promise<AlertResult & { warnings: KeyWarning[] }>;
  preview(findings: Finding[], now: Date): Promise<ChannelPreview[]>;
  failure(startedAt: Date): Promise<ChannelOutcome[]>;
  state(): Promise<LifecycleState>;
  close(): Promise<void>;
}

export async function routingRig(smtpUrl: string, alerts: Record<string, unknown> = {}, extraEnv: Record<string, string> = {}): Promise<RoutingRig> {
  const dir = await mkdtemp(join(tmpdir(), 'c1-routing-'));
  const stateDir = join(dir, 'state');
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ alerts: { routeToOwners: true, ownerDomains: [OWNER_DOMAIN], email: { timeoutMs: 2000, retries: 0 }, ...alerts } }),
  );
  const config = await loadConfig({
    configPath: 'config.json',
    cwd: dir,
    env: { SMTP_URL: smtpUrl, ALERT_EMAIL_TO: LIST.join(','), ALERT_EMAIL_FROM: SENDER, STATE_DIR: stateDir, REPORT_DIR: join(dir, 'reports'), ...extraEnv },
  });
  const { logger, text } = memoryLogger();

  const tracked = async (findings: Finding[], now: Date) => {
    const previous = await loadState(stateDir, logger);
    const result = trackFindings(previous, findings, [], now);
    return { state: result.state, report: sampleReport({ asOf: now.toISOString(), runId: `run-${now.toISOString()}` }, result.findings) };
  };

  return {
    config,
    stateDir,
    logs: text,
    async run(findings, now) {
      const { state, report } = await tracked(findings, now);
      const channels = buildChannels({ config, logger, report, dryRun: false });
      try {
        const result = await alertAndRecord(config, state, report, channels.targets, { reportLocation: '/reports/latest.json', now, logger });
        return { ...result, warnings: channels.warnings };
      } finally {
        closeChannels(channels.targets);
      }
    },
    async preview(findings, now) {
      const { state, report } = await tracked(findings, now);
      const channels = buildChannels({ config, logger, report, dryRun: true });
      try {
        return previewAlerts(config, state, report, channels.targets, now).channels;
      } finally {
        closeChannels(channels.targets);
      }
    },
    failure: (startedAt) =>
      noticeFailure(config, { tenant: 'acme.conductor.one', message: 'C1 answered HTTP 503', runId: 'failed-run', startedAt }, { logger, clock: () => startedAt }),
    state: () => loadState(stateDir, logger),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
