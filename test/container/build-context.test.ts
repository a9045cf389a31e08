import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isIgnored, parseDockerignore } from './build-context.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('the .dockerignore of this repository', () => {
  it('keeps secrets, a real config, local output and host builds out of the image, and the build inputs in', async () => {
    const rules = parseDockerignore(await readFile(`${repoRoot}.dockerignore`, 'utf8'));
    const excluded = [
      'config/config.json',
      'prod.env',
      '.env',
      'deploy/compose/.env',
      'some/dir/c1.env',
      'node_modules/pino/package.json',
      'dist/cli.js',
      'reports/latest.json',
      'test-results/results.json',
      'state/alerts.json',
      '.git/HEAD',
      'test/schedule/run-schedule.test.ts',
      'README.md',
      'vitest.config.ts',
    ];
    const included = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'src/cli.ts',
      'src/schedule/run-schedule.ts',
      'scripts/container-build.sh',
      'config/example.config.json',
      'config/config.schema.json',
    ];
    for (const path of excluded) expect(isIgnored(rules, path), path).toBe(true);
    for (const path of included) expect(isIgnored(rules, path), path).toBe(false);
  });

  it('matches like Docker: * within a segment, ** across, ! re-includes, last match wins', () => {
    const rules = parseDockerignore('# comment\n/docs/*.md\n**/*.tmp\n!keep/**/*.tmp\n');
    expect(isIgnored(rules, 'docs/a.md')).toBe(true);
    expect(isIgnored(rules, 'docs/sub/a.md')).toBe(false);
    expect(isIgnored(rules, 'a/b/c.tmp')).toBe(true);
    expect(isIgnored(rules, 'x.tmp')).toBe(true);
    expect(isIgnored(rules, 'keep/deep/x.tmp')).toBe(false);
  });
});
