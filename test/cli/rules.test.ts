import { describe, expect, it } from 'vitest';
import { listRules, optionKeys, type RuleListing } from '../../src/cli/rule-listing.js';
import { configFileSchema } from '../../src/config/schema.js';
import { RULES } from '../../src/rules/index.js';
import { runCli } from '../helpers/cli.js';

const DEFAULTS = configFileSchema.parse({});

describe('c1-hygiene rules', () => {
  it('--json lists every rule of the catalogue with its metadata', async () => {
    const result = await runCli(['rules', '--json']);
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as RuleListing[];
    expect(listed.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.meta.id));
    for (const [i, { meta }] of RULES.entries()) {
      expect(listed[i]).toMatchObject({
        id: meta.id,
        title: meta.title,
        defaultSeverity: meta.defaultSeverity,
        firesWhen: meta.firesWhen,
        reference: meta.reference,
      });
    }
  });

  it('--json gives each option the default the audit really uses', async () => {
    const listed = JSON.parse((await runCli(['rules', '--json'])).stdout) as RuleListing[];
    const byId = Object.fromEntries(listed.map((rule) => [rule.id, rule.options]));
    expect(byId['expiring-soon']).toEqual([
      { key: 'rules.expiringSoon.days', default: DEFAULTS.rules.expiringSoon.days },
      { key: 'rules.expiringSoon.urgentDays', default: DEFAULTS.rules.expiringSoon.urgentDays },
    ]);
    expect(byId['broad-roles']).toEqual([{ key: 'rules.broadRoles.roles', default: DEFAULTS.rules.broadRoles.roles }]);
    expect(byId.expired).toEqual([]);
    for (const rule of listed) for (const option of rule.options) expect({ key: option.key, default: option.default }).not.toEqual({ key: option.key, default: undefined });
  });

  it('prints a table: a header, then one row per rule with severity and options', async () => {
    const result = await runCli(['rules']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RULE +TITLE +SEVERITY +OPTIONS \(DEFAULT\)$/);
    expect(lines).toHaveLength(RULES.length + 1);
    for (const [i, { meta }] of RULES.entries()) {
      const row = lines[i + 1]!;
      expect(row.startsWith(`${meta.id} `)).toBe(true);
      expect(row).toContain(meta.title);
      expect(row).toContain(` ${meta.defaultSeverity} `);
    }
    expect(result.stdout).toContain('rules.expiringSoon.days=14, rules.expiringSoon.urgentDays=3');
    expect(result.stdout).toContain('rules.broadRoles.roles=["Super Administrator"]');
    // Columns line up: the severity column starts at the same place in every row.
    const column = lines[0]!.indexOf('SEVERITY');
    for (const row of lines.slice(1)) expect(row.slice(column).split(' ')[0]).toMatch(/^(info|low|medium|high|critical)$/);
  });

  it("keeps the defaults quoted in each rule's own metadata equal to the configuration's", () => {
    for (const rule of listRules()) {
      const meta = RULES.find((r) => r.meta.id === rule.id)!.meta;
      for (const option of rule.options) {
        const quoted = new RegExp(`\`${option.key.replace(/\./g, '\\.')}\` \\((.+?)\\)(,|$)`).exec(meta.options)?.[1];
        expect({ key: option.key, quoted: quoted === undefined ? undefined : JSON.parse(quoted.replace(/`/g, '')) }).toEqual({
          key: option.key,
          quoted: option.default,
        });
      }
    }
  });

  it('reads option keys from the metadata text', () => {
    expect(optionKeys('`rules.unused.days` (90)')).toEqual(['rules.unused.days']);
    expect(optionKeys('—')).toEqual([]);
  });
});
