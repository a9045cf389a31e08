import { createHash } from 'node:crypto';
import type { PlanContent, RemediationPlan } from './types.js';

/**
 * The seal of a plan: a SHA-256 over its canonical JSON, every field but
 * `sha256` itself. Canonical means object keys sorted (by UTF-16 code units)
 * at every depth and no white space, so re-indenting a plan or reordering its
 * keys keeps the seal, while changing any value breaks it.
 *
 * This catches a plan edited after review (by hand or by a tool); it is not a
 * signature: whoever can write the file can also recompute the hash. Keep
 * plan files where only the people who review them can write.
 */

/** Canonical JSON text of a JSON value (as `JSON.parse` returns them). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  // Strings, finite numbers, booleans and null; anything else is not JSON and has no canonical form.
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError(`not a JSON value: ${typeof value}`);
  return text;
}

/** The hex SHA-256 of `content` without any `sha256` field it carries. */
export function planDigest(content: Record<string, unknown>): string {
  const rest = Object.fromEntries(Object.entries(content).filter(([key]) => key !== 'sha256'));
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}

export function sealPlan(content: PlanContent): RemediationPlan {
  return { ...content, sha256: planDigest(content as unknown as Record<string, unknown>) };
}

/** Whether a parsed plan file carries the seal of exactly its own content. */
export function hasValidSeal(parsed: Record<string, unknown>): boolean {
  const claimed = parsed.sha256;
  if (typeof claimed !== 'string' || !/^[0-9a-f]{64}$/.test(claimed)) return false;
  return planDigest(parsed) === claimed;
}
