import { configFileSchema } from '../config/schema.js';
import { RULES } from '../rules/index.js';
import type { Severity } from '../severity.js';

/** One configuration key that tunes a rule, with its default. */
export interface RuleOption {
  key: string;
  default: unknown;
}

/** A rule as `c1-hygiene rules` shows it. */
export interface RuleListing {
  id: string;
  title: string;
  defaultSeverity: Severity;
  firesWhen: string;
  options: RuleOption[];
  risk: string;
  remediation: string;
  reference: string;
}

/**
 * The catalogue as the audit runs it: every rule in `RULES`, its option keys
 * as its metadata names them, and each key's default read from the
 * configuration schema (the defaults the audit really uses, not the copy in
 * the prose).
 */
export function listRules(): RuleListing[] {
  const defaults: unknown = configFileSchema.parse({});
  return RULES.map(({ meta }) => ({
    id: meta.id,
    title: meta.title,
    defaultSeverity: meta.defaultSeverity,
    firesWhen: meta.firesWhen,
    options: optionKeys(meta.options).map((key) => ({ key, default: valueAt(defaults, key) })),
    risk: meta.risk,
    remediation: meta.remediation,
    reference: meta.reference,
  }));
}

/** The config keys a rule's `options` text names (`rules.expiringSoon.days`…), in order. */
export function optionKeys(optionsText: string): string[] {
  return [...optionsText.matchAll(/`(rules\.[A-Za-z0-9_.]+)`/g)].map((match) => match[1]!);
}

function valueAt(root: unknown, dottedKey: string): unknown {
  let value = root;
  for (const part of dottedKey.split('.')) {
    if (typeof value !== 'object' || value === null || !(part in value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A plain-text table: one row per rule, columns padded to their widest cell. */
export function renderRulesTable(rules: readonly RuleListing[]): string {
  const header = ['RULE', 'TITLE', 'SEVERITY', 'OPTIONS (DEFAULT)'];
  const rows = rules.map((rule) => [
    rule.id,
    rule.title,
    rule.defaultSeverity,
    rule.options.length === 0 ? '-' : rule.options.map((option) => `${option.key}=${JSON.stringify(option.default)}`).join(', '),
  ]);
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]): string => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
