import { API_KEYS_PAGE } from '../rules/docs.js';

/**
 * One "what to do" for a key, built from every rule that fired on it.
 *
 * Most fixes for a C1 personal API key come down to the same act: a key's
 * expiry, source IPs and scope are set when it is created, so each of those
 * rules says "create a replacement key". A key with three such findings gets
 * ONE replacement that fixes all three, not three replacements. Pure: no
 * clock, no config reads; the caller passes the lifetime policy.
 */

/** The part of a finding the advice reads. */
export interface AdviceFinding {
  ruleId: string;
  /** The rule's own advice, used as is for a rule this module does not know. */
  remediation: string;
  reference: string;
}

export interface AdvicePolicy {
  /** `rules.longLived.maxDays`: the longest lifetime a replacement key should get. */
  maxLifetimeDays: number;
}

export interface KeyAdvice {
  /** One paragraph; plain text (callers sanitise and escape it like any other value). */
  text: string;
  /** Each distinct documentation page once, in the order of the findings, with the rules it explains. */
  references: { url: string; ruleIds: string[] }[];
}

/** Rules fixed by giving the replacement an expiry within the allowed lifetime. */
const EXPIRY_RULES = new Set(['expired', 'expiring-soon', 'no-expiry', 'long-lived']);
/** Rules fixed by giving the replacement a narrow "Limit source IPs" list. */
const SOURCE_IP_RULES = new Set(['missing-cidr', 'broad-cidr', 'invalid-cidr']);
/** Rules fixed by giving the replacement a narrower scope. */
const SCOPE_RULES = new Set(['broad-roles']);
/** Rules fixed by having an active user own the replacement. */
const OWNER_RULES = new Set(['owner-inactive']);
/** Rules that ask whether the key is needed at all. */
const USAGE_RULES = new Set(['unused', 'never-used']);

const KNOWN_RULES = new Set([...EXPIRY_RULES, ...SOURCE_IP_RULES, ...SCOPE_RULES, ...OWNER_RULES, ...USAGE_RULES]);

/**
 * The advice for one key. `findings` are that key's findings, worst first
 * (the order references are listed in). Returns an empty text for no findings.
 */
export function keyAdvice(findings: readonly AdviceFinding[], policy: AdvicePolicy): KeyAdvice {
  const fired = new Set(findings.map((finding) => finding.ruleId));
  const sentences: string[] = [];

  const replacement = replacementClause(fired, policy);
  if (replacement !== null) {
    if (fired.has('expired')) {
      sentences.push(`Delete this key in ${API_KEYS_PAGE}; it no longer works.`, `If something still needs API access, ${replacement} and hand it to that consumer.`);
    } else if (fired.has('unused') || fired.has('never-used')) {
      sentences.push(`Confirm something still depends on this key; if nothing does, delete it in ${API_KEYS_PAGE}.`, `Otherwise ${replacement}, move its users to it, then delete this key.`);
    } else {
      const before = fired.has('expiring-soon') ? ' before it expires' : '';
      sentences.push(`${capitalise(replacement)}, move its users to it, then delete this key${before}.`);
    }
  } else if (fired.has('unused')) {
    sentences.push(`Confirm nothing depends on this key any more, then delete it in ${API_KEYS_PAGE}.`);
  } else if (fired.has('never-used')) {
    sentences.push(`Ask the owner whether this key is still planned for use; if not, delete it in ${API_KEYS_PAGE}.`);
  }

  // A rule added later keeps its own advice rather than being dropped.
  const seen = new Set<string>();
  for (const finding of findings) {
    if (KNOWN_RULES.has(finding.ruleId) || seen.has(finding.remediation)) continue;
    seen.add(finding.remediation);
    sentences.push(finding.remediation);
  }

  return { text: sentences.join(' '), references: referencesOf(findings) };
}

/** "create a replacement key … with …", or null when no fired rule calls for one. */
function replacementClause(fired: ReadonlySet<string>, policy: AdvicePolicy): string | null {
  const needs: string[] = [];
  if (intersects(fired, EXPIRY_RULES)) needs.push(`an expiry at most ${policy.maxLifetimeDays} days away`);
  if (intersects(fired, SOURCE_IP_RULES)) needs.push('"Limit source IPs" listing only the valid addresses or narrow CIDRs of the hosts that use it');
  if (intersects(fired, SCOPE_RULES)) needs.push('the narrowest scope that works (for example "Basic user" instead of "Full permissions")');
  const owned = intersects(fired, OWNER_RULES);
  if (needs.length === 0 && !owned) return null;
  const owner = owned ? ' owned by an active user' : '';
  const withNeeds = needs.length === 0 ? '' : ` with ${joinAnd(needs)}`;
  return `create a replacement key${owner} in ${API_KEYS_PAGE}${withNeeds}`;
}

function referencesOf(findings: readonly AdviceFinding[]): KeyAdvice['references'] {
  const byUrl = new Map<string, string[]>();
  for (const finding of findings) {
    const ruleIds = byUrl.get(finding.reference) ?? [];
    if (!ruleIds.includes(finding.ruleId)) ruleIds.push(finding.ruleId);
    byUrl.set(finding.reference, ruleIds);
  }
  return [...byUrl].map(([url, ruleIds]) => ({ url, ruleIds }));
}

function intersects(fired: ReadonlySet<string>, rules: ReadonlySet<string>): boolean {
  for (const rule of rules) if (fired.has(rule)) return true;
  return false;
}

function joinAnd(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
