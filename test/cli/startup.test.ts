import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { CLI_PATH, launchCli } from '../helpers/cli.js';

/*
 * Start-up stays cheap only while commands load what they need when they run.
 * A preload module records every package the CLI process loads (ES modules
 * through a resolve hook, CommonJS through require's cache) in a file.
 */
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.LOAD_TRACE, result.url + '\\n');
  return result;
}
`;
const PRELOAD = `
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register('./hooks.mjs', import.meta.url);
process.on('exit', () => appendFileSync(process.env.LOAD_TRACE, Object.keys(createRequire(import.meta.url).cache).join('\\n') + '\\n'));
`;

let dir: string;
let sim: Simulator;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'c1-hygiene-startup-'));
  await writeFile(join(dir, 'hooks.mjs'), HOOKS);
  await writeFile(join(dir, 'preload.mjs'), PRELOAD);
  sim = await startSimulator({ personalClients: [] });
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

/** The packages (by name) a run of the CLI loaded. */
async function packagesLoaded(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const trace = join(dir, `trace-${args.join('-').replace(/[^\w-]/g, '_')}.txt`);
  await writeFile(trace, '');
  const result = await launchCli(args, { env: { ...env, LOAD_TRACE: trace, NODE_OPTIONS: `--import ${pathToFileURL(join(dir, 'preload.mjs')).href}` } });
  expect(result.code, result.stderr).toBe(0);
  const text = await readFile(trace, 'utf8');
  expect(text).toContain(pathToFileURL(CLI_PATH).href);
  return [...new Set([...text.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((match) => match[1]!))].sort();
}

/** A package and everything it depends on, transitively, as the lockfile has them installed. */
async function dependencyClosure(root: string): Promise<Set<string>> {
  const lock = JSON.parse(await readFile(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
    packages: Record<string, { dependencies?: Record<string, string> }>;
  };
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dependency of Object.keys(lock.packages[`node_modules/${name}`]?.dependencies ?? {})) visit(dependency);
  };
  visit(root);
  return seen;
}

describe('start-up loads what the command needs', () => {
  it('--version loads no package at all', async () => {
    expect(await packagesLoaded(['--version'])).toEqual([]);
  });

  const auditEnv = (): Record<string, string> => ({
    C1_ACCESS_TOKEN: sim.issueToken(),
    C1_API_URL: sim.url,
    REPORT_DIR: join(dir, 'reports'),
    STATE_DIR: join(dir, 'state'),
  });

  it('an audit with a ready access token, no config file and no alert channel loads only the logger', async () => {
    const loaded = await packagesLoaded(['audit'], auditEnv());
    // pino and what pino itself requires: no HTTP client, schema library, signer, mailer or scheduler.
    expect(loaded).toContain('pino');
    const logger = await dependencyClosure('pino');
    expect(loaded.filter((name) => !logger.has(name))).toEqual([]);
  });

  it('a config file that sets something is checked by its schema (zod), and still nothing else is loaded', async () => {
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ report: { keep: 5 } }));
    const loaded = await packagesLoaded(['audit', '--config', config], auditEnv());
    expect(loaded).toContain('zod');
    for (const name of ['undici', 'jose', 'nodemailer', 'node-cron', 'smtp-server']) expect(loaded).not.toContain(name);
  });
});
