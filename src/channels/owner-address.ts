/**
 * Whether an owner's e-mail address, as the C1 API sent it, may receive mail.
 *
 * The address is API data, and API data must never choose where our mail
 * goes: before its domain is compared with `alerts.ownerDomains` it has to be
 * exactly one plain address — no display name, comment, group, quoted or
 * escaped part, IP literal, list, white space or control character, nothing
 * outside ASCII — so what is checked is exactly what the SMTP client will use
 * as the recipient. Anything else is refused, not repaired.
 */

/** RFC 5321 limits. */
const MAX_ADDRESS = 254;
const MAX_LOCAL = 64;
const MAX_LABEL = 63;

/** Dot-separated runs of the characters real mailbox names use (no quoting, no specials that address parsers act on). */
const LOCAL_PART = /^[A-Za-z0-9_%+'-]+(?:\.[A-Za-z0-9_%+'-]+)*$/;
/** One DNS label: letters, digits, inner hyphens. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export type OwnerAddressVerdict =
  | { ok: true; address: string }
  | { ok: false; reason: 'no-email' | 'malformed' | 'outside-domains'; detail: string };

/**
 * `allowedDomains` must already be lower-case (see `normalizeOwnerDomains`).
 * The returned address is the input unchanged: nothing is trimmed or decoded.
 */
export function judgeOwnerAddress(email: string | null, allowedDomains: ReadonlySet<string>): OwnerAddressVerdict {
  if (email === null || email === '') return { ok: false, reason: 'no-email', detail: 'the owner has no e-mail address in C1' };
  const problem = addressShapeProblem(email);
  if (problem !== null) return { ok: false, reason: 'malformed', detail: `the owner's e-mail address ${problem}` };
  const domain = email.slice(email.indexOf('@') + 1).toLowerCase();
  if (!allowedDomains.has(domain)) {
    return { ok: false, reason: 'outside-domains', detail: `the owner's e-mail domain "${domain}" is not in alerts.ownerDomains` };
  }
  return { ok: true, address: email };
}

/** Null when `email` is one plain `local@domain` address; else why not. */
export function addressShapeProblem(email: string): string | null {
  if (email.length > MAX_ADDRESS) return `is longer than ${MAX_ADDRESS} characters`;
  if (/[^\x21-\x7e]/.test(email)) return 'contains white space, control or non-ASCII characters';
  const at = email.indexOf('@');
  if (at < 0 || at !== email.lastIndexOf('@')) return 'must contain exactly one "@"';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length === 0 || local.length > MAX_LOCAL || !LOCAL_PART.test(local)) return 'has an unusual mailbox name (only letters, digits, . _ % + \' - are accepted)';
  const labels = domain.toLowerCase().split('.');
  if (labels.length < 2 || labels.some((label) => label.length > MAX_LABEL || !LABEL.test(label))) return 'has an invalid domain';
  return null;
}

/** Lower-cased, as a set; the config check has already refused anything that is not a plain domain. */
export function normalizeOwnerDomains(domains: readonly string[]): ReadonlySet<string> {
  return new Set(domains.map((domain) => domain.toLowerCase()));
}

/** A config check: null when `domain` is a plain DNS name usable in `alerts.ownerDomains`. */
export function ownerDomainProblem(domain: string): string | null {
  if (domain.startsWith('@')) return 'must be a domain without "@" (e.g. "example.com")';
  if (domain.startsWith('*.')) return 'must be an exact domain; wildcards are not accepted (list each domain owners use)';
  const labels = domain.toLowerCase().split('.');
  if (domain.length > 253 || labels.length < 2 || labels.some((label) => label.length > MAX_LABEL || !LABEL.test(label))) {
    return 'must be a domain name such as "example.com" (letters, digits and hyphens; internationalised domains in their xn-- form)';
  }
  return null;
}
