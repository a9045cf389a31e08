/**
 * No YAML parser is a dependency and no cluster is at hand, so the
 * deployment files are kept simple and their safety-relevant lines are
 * checked as text. The JSON configs they carry go through the real config
 * validation.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';

const deployDir = fileURLToPath(new URL('../../deploy/', import.meta.url));
const read = (path: string): Promise<string> => readFile(join(deployDir, path), 'utf8');

const POD_HARDENING = [
  'runAsNonRoot: true',
  'runAsUser: 1000',
  'fsGroup: 1000',
  'readOnlyRootFilesystem: true',
  'allowPrivilegeEscalation: false',
  'automountServiceAccountToken: false',
  'type: RuntimeDefault',
  /capabilities:\n\s+drop:\n\s+- ALL\n/,
  /limits:\n\s+cpu: \S+\n\s+memory: \S+\n/,
  'claimName: c1-hygiene-reports',
  'claimName: c1-hygiene-state',
  'value: /var/run/secrets/c1-hygiene/C1_CLIENT_SECRET',
];

function expectAll(text: string, needles: ReadonlyArray<string | RegExp>, file: string): void {
  for (const needle of needles) {
    if (typeof needle === 'string') expect(text, `${file} lacks ${needle}`).toContain(needle);
    else expect(text, `${file} lacks ${needle}`).toMatch(needle);
  }
}

/** `KEY=value` lines of a dotenv file; with `includeCommented`, also the `# KEY=value` ones offered as options. */
function dotenvEntries(text: string, includeCommented: boolean): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!match || (match[1] !== undefined && !includeCommented)) continue;
    entries.set(match[2]!, match[3]!);
  }
  return entries;
}

/** Variable names in the `environment:` blocks of a compose file, in map (`KEY: v`) or list (`- KEY=v`) form. */
function composeEnvironmentKeys(text: string): string[] {
  const keys: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const header = /^(\s*)environment:\s*$/.exec(lines[i]!);
    if (!header) continue;
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      if (line.length - line.trimStart().length <= header[1]!.length) break;
      const entry = /^\s*(?:-\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*[:=]/.exec(line);
      if (entry) keys.push(entry[1]!);
    }
  }
  return keys;
}

/** Validates a config as the workload would load it; `env` is what the manifest adds (SMTP_URL only as presence). */
async function configProblems(json: string, env: Record<string, string>): Promise<unknown[]> {
  const dir = await mkdtemp(join(tmpdir(), 'c1-deploy-config-'));
  try {
    await writeFile(join(dir, 'config.json'), json);
    await writeFile(join(dir, 'smtp-url'), 'smtp://mail.example.com:587\n');
    const { problems } = await validateConfig({ configPath: 'config.json', env, cwd: dir });
    return problems;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('deployment files', () => {
  it('the CronJob never overlaps runs and runs `audit` hardened', async () => {
    const text = await read('kubernetes/cronjob.yaml');
    expectAll(text, ['kind: CronJob', 'concurrencyPolicy: Forbid', /startingDeadlineSeconds: \d+/, /successfulJobsHistoryLimit: \d+/, 'args: ["audit"', ...POD_HARDENING], 'cronjob.yaml');
  });

  it('the Deployment is a single Recreate scheduler with probes, scrape annotations and the same hardening', async () => {
    const text = await read('kubernetes/deployment.yaml');
    expectAll(
      text,
      [
        'kind: Deployment',
        'replicas: 1',
        'type: Recreate',
        'args: ["schedule"',
        /livenessProbe:\n\s+httpGet:\n\s+path: \/livez/,
        /readinessProbe:\n\s+httpGet:\n\s+path: \/healthz/,
        'prometheus.io/scrape: "true"',
        'prometheus.io/port: "8080"',
        'containerPort: 8080',
        ...POD_HARDENING,
      ],
      'deployment.yaml',
    );
  });

  it('compose runs the scheduler read-only next to a pinned mail catcher', async () => {
    const text = await read('compose.yaml');
    expectAll(text, ['read_only: true', '- /tmp', 'env_file: .env', '- reports:/reports', '- state:/state', 'cap_drop:'], 'compose.yaml');
    expect(text).toMatch(/image: axllent\/mailpit:v\d+\.\d+\.\d+\n/);
    expect(dotenvEntries(await read('.env.example'), false).get('SMTP_URL')).toBe('smtp://mailpit:1025');
  });

  it('compose hard-codes no variable that .env.example offers, since `environment:` would override the .env value', async () => {
    const offered = dotenvEntries(await read('.env.example'), true);
    expect([...offered.keys()]).toEqual(expect.arrayContaining(['SMTP_URL', 'C1_CLIENT_ID', 'C1_CLIENT_SECRET', 'AUDIT_CRON']));
    // The parser must see entries in both forms, or an empty result below would prove nothing.
    expect(composeEnvironmentKeys('s:\n  a:\n    environment:\n      SMTP_URL: x\n    ports: []\n  b:\n    environment:\n      - LOG_LEVEL=debug\n')).toEqual(['SMTP_URL', 'LOG_LEVEL']);

    const hardCoded = composeEnvironmentKeys(await read('compose.yaml'));
    expect(hardCoded.filter((key) => offered.has(key))).toEqual([]);
  });

  it('holds no secret values outside the example files, and no tabs', async () => {
    const files = [
      'compose.yaml',
      'compose.config.json',
      ...(await readdir(join(deployDir, 'kubernetes'))).map((name) => `kubernetes/${name}`),
    ];
    expect(files).toContain('kubernetes/secret.example.yaml');
    for (const file of files) {
      const text = await read(file);
      expect(text, file).not.toMatch(/\t/);
      if (file.includes('.example.')) continue;
      expect(text, file).not.toMatch(/secret-token:conductorone\.com:v1:/);
      expect(text, file).not.toMatch(/^\s*(stringData|kind: Secret)/m);
      expect(text, file).not.toMatch(/[a-z]+:\/\/[^\s/@:]+:[^\s/@]+@/); // URL with user:password
      expect(text, file).not.toMatch(/(C1_CLIENT_SECRET|C1_ACCESS_TOKEN):\s*["']?[^\s"'\n]{8,}/);
    }
  });

  it('the configs shipped with compose and the ConfigMap pass the real config validation', async () => {
    // Compose passes .env as it is; the example's blanks are the user's to fill in.
    const composeEnv = Object.fromEntries([...dotenvEntries(await read('.env.example'), false)].filter(([, value]) => value !== ''));
    expect(composeEnv).toMatchObject({ SMTP_URL: expect.any(String), ALERT_EMAIL_TO: expect.any(String), ALERT_EMAIL_FROM: expect.any(String) });
    expect(await configProblems(await read('compose.config.json'), composeEnv)).toEqual([]);

    const configMap = await read('kubernetes/configmap.yaml');
    const start = configMap.indexOf('  config.json: |\n');
    expect(start).toBeGreaterThan(0);
    const json = configMap
      .slice(start)
      .split('\n')
      .slice(1)
      .filter((line) => line.startsWith('    ') || line === '')
      .map((line) => line.slice(4))
      .join('\n');
    const config = JSON.parse(json) as { schedule: { healthPort: number } };
    expect(config.schedule.healthPort).toBe(8080);
    // The workloads point SMTP_URL_FILE at the mounted Secret.
    expect(await configProblems(json, { SMTP_URL_FILE: 'smtp-url' })).toEqual([]);
  });
});
