import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderRulesTable } from '../../src/docs/rules-table.js';
import { RULES } from '../../src/rules/index.js';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('carries the rule table generated from the catalogue', () => {
    const start = readme.indexOf('<!-- rules-table:start');
    const end = readme.indexOf('<!-- rules-table:end -->');
    expect(start).toBeGreaterThan(0);
    const block = readme.slice(readme.indexOf('\n', start) + 1, end).trim();
    expect(block).toBe(renderRulesTable());
    expect(block.split('\n')).toHaveLength(RULES.length + 2);
  });

  it('gives the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm test');
  });
});
