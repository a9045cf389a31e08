/**
 * Upgrading from a release that kept one delivery record (state version 1):
 * the state file it wrote (test/lifecycle/fixtures/state-v1.json) is read by
 * the built CLI, and nothing already delivered is sent again. Needs
 * `npm run build` first (npm test does it).
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { afterT0, cleanKey, clientIdOf, deployBot, legacySync, newRobot, reportsJob } from './keys.js';
import { createWorkspace, mailedPairs, mailedResolvedPairs, pairKey, TENANT, type Workspace } from './workspace.js';

const FIXTURE = new URL('../lifecycle/fixtures/state-v1.json', import.meta.url);

let workspace: Workspace;
let sink: SmtpSink;

afterEach(async () => {
  await sink.close();
  await workspace.close();
});

/** The keys as they were when the version-1 state was written: the reports key already fixed. */
const keysAtUpgrade = () => [deployBot(), reportsJob(true), legacySync(), cleanKey()];
const DEPLOY_BOT = [pairKey(clientIdOf('deploy-bot'), 'broad-cidr'), pairKey(clientIdOf('deploy-bot'), 'no-expiry')].sort();
const REPORTS_JOB = [pairKey(clientIdOf('reports-job'), 'broad-roles'), pairKey(clientIdOf('reports-job'), 'missing-cidr')].sort();
const NEW_ROBOT = [pairKey(clientIdOf('new-robot'), 'missing-cidr'), pairKey(clientIdOf('new-robot'), 'no-expiry')].sort();

describe('a state file written by the version-1 release', () => {
  it('keeps its alert history: no repeat of delivered findings or of the streak\'s notice; its resolved queue and reminders carry on', async () => {
    workspace = await createWorkspace(keysAtUpgrade(), { c1: { maxRetries: 0 } });
    sink = await startSmtpSink();
    await mkdir(workspace.stateDir, { recursive: true });
    await copyFile(FIXTURE, join(workspace.stateDir, 'state.json'));
    const audit = async (asOf: string, code: number) => {
      const result = await workspace.audit({ asOf, smtpUrl: sink.url() });
      expect(result.code, result.stderr).toBe(code);
      return result;
    };

    // The failure streak of the old release had its notice delivered: a further failure is not noticed again.
    workspace.sim.injectFault({ kind: 'status', status: 503, route: 'personal_clients', times: 1 });
    await audit(afterT0(1, 120), 3);
    expect(sink.received).toHaveLength(0);
    expect((await workspace.state()).version).toBe(2);

    // Same keys: the deploy-bot findings were mailed at T0 and are not due again within renotifyAfterDays.
    const quiet = await audit(afterT0(2), 0);
    expect(sink.received).toHaveLength(0);
    expect(quiet.stderr).not.toContain('corrupt');
    expect((await workspace.state()).channels.email?.resolvedSinceDelivery.map((entry) => entry.clientId)).toEqual([
      clientIdOf('reports-job'),
      clientIdOf('reports-job'),
    ]);

    // A new key: only it is mailed, and the digest says what was resolved before the upgrade.
    workspace.sim.setPersonalClients([...keysAtUpgrade(), newRobot()]);
    await audit(afterT0(2, 10), 0);
    expect(sink.received).toHaveLength(1);
    const digest = sink.received[0]!.parsed;
    expect(digest.subject).toContain(TENANT);
    expect(mailedPairs(digest.text ?? '')).toEqual(NEW_ROBOT);
    expect(mailedResolvedPairs(digest.text ?? '')).toEqual(REPORTS_JOB);

    // The old alert times were kept, not reset by the upgrade: the reminder comes renotifyAfterDays after T0.
    await audit(afterT0(7, 1), 0);
    expect(sink.received).toHaveLength(2);
    expect(mailedPairs(sink.received[1]!.parsed.text ?? '')).toEqual(DEPLOY_BOT);
    expect(sink.received[1]!.parsed.text).toContain('reminder: still open');
  });
});
