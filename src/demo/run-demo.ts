import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { startSmtpCapture } from '../alerts/capture-server.js';
import { runAudit } from '../audit/run-audit.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config/load.js';
import { HygieneError } from '../errors.js';
import { createLogger } from '../logger.js';
import { REPORT_FORMATS } from '../report/formats.js';
import { generateCredential, startSimulator } from '../simulator/index.js';
import { startWebhookCapture } from './webhook-capture.js';
import { DEMO_OWNER_DOMAIN, DEMO_ROLES, DEMO_TENANT, DEMO_USERS, demoPersonalClients } from './sample-keys.js';

export interface DemoOptions {
  /** Where reports, state, captured mail and webhook deliveries go; default `./demo-output`. */
  outputDir: string | null;
  print: (text: string) => void;
  logLevel: string;
}

/**
 * A complete audit with no network and no credentials: a local C1 simulator
 * serves sample keys of several owners (tenant scope, as an admin's key
 * would see them), a local SMTP capture receives the alert e-mail and a local
 * signed-webhook receiver the webhook delivery. The audit runs through the
 * same configuration loading and pipeline as production; only the API, SMTP
 * and webhook URLs point at the built-in peers.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const outputDir = resolve(options.outputDir ?? 'demo-output');
  const mailDir = join(outputDir, 'mail');
  const webhookDir = join(outputDir, 'webhook');
  const stateDir = join(outputDir, 'state');
  // Each demo starts as a first run, so it always shows an alert being sent.
  await rm(stateDir, { recursive: true, force: true });
  await rm(webhookDir, { recursive: true, force: true });
  await mkdir(mailDir, { recursive: true });

  const now = systemClock();
  const credential = generateCredential(DEMO_TENANT, 'demo-otter');
  const simulator = await startSimulator({
    tenantHost: DEMO_TENANT,
    credentials: [credential],
    personalClients: demoPersonalClients(now),
    users: DEMO_USERS,
    roles: DEMO_ROLES,
  });
  const mailFiles: { file: string; to: string }[] = [];
  let mailCount = 0;
  const capture = await startSmtpCapture({
    onMessage: async (raw) => {
      // Numbered before the write: the channels deliver at the same time, and each mail needs its own file.
      mailCount += 1;
      const file = join(mailDir, `alert-${now.toISOString().replace(/[:.]/g, '-')}-${mailCount}.eml`);
      await writeFile(file, raw, { mode: 0o640 });
      mailFiles.push({ file, to: recipientsOf(raw) });
    },
  });
  const webhook = await startWebhookCapture({ dir: webhookDir });

  try {
    const loaded = await loadConfig({
      configPath: null,
      cwd: outputDir,
      env: {
        C1_CLIENT_ID: credential.clientId,
        C1_CLIENT_SECRET: credential.clientSecret,
        C1_API_URL: simulator.url,
        C1_SCOPE: 'tenant',
        SMTP_URL: capture.url,
        ALERT_EMAIL_TO: 'security-team@example.com',
        ALERT_EMAIL_FROM: 'c1-hygiene@example.com',
        WEBHOOK_URL: webhook.url,
        WEBHOOK_SECRET: webhook.secret,
        REPORT_DIR: join(outputDir, 'reports'),
        STATE_DIR: stateDir,
        LOG_LEVEL: options.logLevel,
      },
    });
    // Each sample owner in the demo's domain also gets a digest of their own keys, next to the
    // admin digest; and the demo shows every format the report can be written in.
    const config = {
      ...loaded,
      alerts: { ...loaded.alerts, routeToOwners: true, ownerDomains: [DEMO_OWNER_DOMAIN] },
      report: { ...loaded.report, formats: [...REPORT_FORMATS] },
    };
    const logger = createLogger(config.logLevel);
    options.print(
      `Demo: auditing every user's keys in ${DEMO_TENANT} (tenant scope, ${DEMO_USERS.length} owners) on a local C1 simulator (${simulator.url}).\n`,
    );
    // The sample keys are dated from `now`; evaluating at that same instant keeps their ages round.
    const outcome = await runAudit({ config, asOf: now, dryRun: false, failOn: null }, { logger, clock: systemClock, print: options.print });
    if (outcome.error) options.print(`Demo audit failed: ${outcome.error.message}`);

    const cwd = process.cwd();
    const show = (path: string): string => (path.startsWith(cwd) ? relative(cwd, path) : path);
    options.print('');
    if (outcome.reportPath) {
      options.print(`Latest report:  ${show(join(config.report.dir, 'latest.json'))} (also latest.csv, latest.ocsf.json)`);
      options.print(`HTML report:    ${show(join(config.report.dir, 'latest.html'))} (open it in a browser)`);
    }
    if (mailFiles.length === 0) options.print('Captured email: none (nothing was due)');
    else {
      const byName = [...mailFiles].sort((a, b) => a.file.localeCompare(b.file, 'en', { numeric: true }));
      options.print(`Captured email:\n${byName.map(({ file, to }) => `  ${show(file)} (to ${to})`).join('\n')}`);
    }
    if (webhook.files.length === 0) options.print('Captured webhook: none (nothing was due)');
    else options.print(`Captured webhook (signature checked by the receiver):\n${webhook.files.map((file) => `  ${show(file)}`).join('\n')}`);
    return outcome.exitCode;
  } catch (err) {
    if (err instanceof HygieneError) {
      options.print(`Demo failed: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  } finally {
    await webhook.close();
    await capture.close();
    await simulator.close();
  }
}

/** The To: header of a captured message (our own composed mail), for the demo's listing. */
function recipientsOf(raw: Buffer): string {
  const header = raw.subarray(0, Math.min(raw.length, 8192)).toString('utf8').split(/\r?\n\r?\n/)[0] ?? '';
  const to = /^To: (.*(?:\r?\n[ \t].*)*)/im.exec(header)?.[1];
  return to ? to.replace(/\s+/g, ' ').trim() : 'unknown recipients';
}
