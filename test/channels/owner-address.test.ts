import fc from 'fast-check';
import addressparser from 'nodemailer/lib/addressparser';
import { describe, expect, it } from 'vitest';
import { judgeOwnerAddress, normalizeOwnerDomains, ownerDomainProblem } from '../../src/channels/owner-address.js';

const ALLOWED = normalizeOwnerDomains(['acme.example', 'Corp.Example']);

describe('judgeOwnerAddress', () => {
  it.each([
    ['alice@acme.example', 'alice@acme.example'],
    ['Alice.Smith+keys@ACME.Example', 'Alice.Smith+keys@ACME.Example'],
    ["o'brien@corp.example", "o'brien@corp.example"],
  ])('accepts %s, unchanged', (email, address) => {
    expect(judgeOwnerAddress(email, ALLOWED)).toEqual({ ok: true, address });
  });

  it.each([
    [null, 'no-email'],
    ['', 'no-email'],
    ['alice@gmail.com', 'outside-domains'],
    ['alice@sub.acme.example', 'outside-domains'],
    ['alice@acme.example.evil.com', 'outside-domains'],
    ['alice@acme.example\r\nBcc: boss@evil.example', 'malformed'],
    ['alice@acme.example\nBcc: boss@evil.example', 'malformed'],
    ['alice@acme.example,boss@evil.example', 'malformed'],
    ['alice@acme.example;boss@evil.example', 'malformed'],
    ['boss@evil.example <alice@acme.example>', 'malformed'],
    ['"alice@acme.example" <boss@evil.example>', 'malformed'],
    ['Alice <alice@acme.example>', 'malformed'],
    ['boss@evil.example (alice@acme.example)', 'malformed'],
    ['"boss@evil.example"@acme.example', 'malformed'],
    ['boss\\@evil.example@acme.example', 'malformed'],
    ['boss@evil.example@acme.example', 'malformed'],
    ['group: boss@evil.example;@acme.example', 'malformed'],
    ['alice@[127.0.0.1]', 'malformed'],
    ['alice@acme.example.', 'malformed'],
    [' alice@acme.example', 'malformed'],
    ['alice@acme\u2024example', 'malformed'],
    ['\u0430lice@acme.example', 'malformed'], // Cyrillic "а"
    ['alice@acme.example\u0000', 'malformed'],
    ['.alice@acme.example', 'malformed'],
    ['al..ice@acme.example', 'malformed'],
    ['@acme.example', 'malformed'],
    [`${'a'.repeat(65)}@acme.example`, 'malformed'],
  ])('refuses %j (%s)', (email, reason) => {
    const verdict = judgeOwnerAddress(email, ALLOWED);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toBe(reason);
  });
});

/** What nodemailer itself would make of the string: the recipients it would send to. */
function recipientsNodemailerSees(value: string): string[] {
  return addressparser(value, { flatten: true })
    .map((entry) => ('address' in entry ? entry.address : ''))
    .filter((address) => address !== '');
}

const ATOM_CHARS = [...'abcxyzABC019._%+\'-'];
const HOSTILE_PIECES = [...'@,;:<>()[]"\\ \t\r\n\u0000\u2028.', '\u00e9', '\u0430', 'Bcc: ', '=?utf-8?'];
const ADDRESS_PIECES = ['alice', 'boss', 'acme.example', 'ACME.example', 'corp.example', 'evil.example', 'gmail.com', 'sub.acme.example', '@'];

/** Strings built from address-like pieces and the characters that make address parsers do unexpected things. */
const hostileAddress = fc
  .array(fc.oneof(fc.constantFrom(...ADDRESS_PIECES), fc.constantFrom(...HOSTILE_PIECES), fc.constantFrom(...ATOM_CHARS)), { maxLength: 12 })
  .map((parts) => parts.join(''));

/** A well-formed address with a hostile piece spliced in somewhere (or not), so both verdicts are reached often. */
const nearlyValidAddress = fc
  .tuple(
    fc.array(fc.constantFrom(...ATOM_CHARS), { minLength: 1, maxLength: 10 }).map((chars) => chars.join('')),
    fc.constantFrom('acme.example', 'ACME.example', 'corp.example', 'evil.example', 'acme.example.evil.example'),
    fc.option(fc.tuple(fc.constantFrom(...HOSTILE_PIECES, ...ADDRESS_PIECES), fc.nat()), { nil: null }),
  )
  .map(([local, domain, splice]) => {
    const address = `${local}@${domain}`;
    if (splice === null) return address;
    const at = splice[1] % (address.length + 1);
    return `${address.slice(0, at)}${splice[0]}${address.slice(at)}`;
  });

describe('judgeOwnerAddress on hostile input (property)', () => {
  it('passes a string only when it is exactly one plain address in an allowed domain, as nodemailer reads it too', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(nearlyValidAddress, hostileAddress, fc.string(), fc.string({ unit: 'binary' })), (email) => {
        const verdict = judgeOwnerAddress(email, ALLOWED);
        if (!verdict.ok) return;
        accepted++;
        expect(verdict.address).toBe(email);
        // One address, no white space, control, quoting, grouping or list characters.
        expect(email).toMatch(/^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+$/);
        expect(email.split('@')).toHaveLength(2);
        // The domain, as the SMTP client will use it, is allowed.
        expect(ALLOWED.has(email.split('@')[1]!.toLowerCase())).toBe(true);
        // nodemailer's own parser sees exactly this one recipient.
        expect(recipientsNodemailerSees(email)).toEqual([email]);
      }),
      { numRuns: 1500 },
    );
    // The generator does reach the accepting side, so the checks above ran.
    expect(accepted).toBeGreaterThan(0);
  });

  it('accepts every well-formed address in an allowed domain', () => {
    const local = fc.array(fc.constantFrom(...'abcxyz019_%+\'-'), { minLength: 1, maxLength: 20 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(local, fc.constantFrom('acme.example', 'ACME.EXAMPLE', 'corp.example'), (name, domain) => {
        expect(judgeOwnerAddress(`${name}@${domain}`, ALLOWED)).toEqual({ ok: true, address: `${name}@${domain}` });
      }),
    );
  });
});

describe('ownerDomainProblem', () => {
  it.each(['example.com', 'Mail.Example.COM', 'xn--bcher-kva.example'])('accepts %s', (domain) => {
    expect(ownerDomainProblem(domain)).toBeNull();
  });

  it.each([
    ['@example.com', 'without "@"'],
    ['*.example.com', 'wildcards'],
    ['example', 'domain name'],
    ['exa mple.com', 'domain name'],
    ['example.com.', 'domain name'],
    ['b\u00fccher.example', 'xn--'],
    ['-bad.example', 'domain name'],
  ])('refuses %j', (domain, words) => {
    expect(ownerDomainProblem(domain)).toContain(words);
  });
});
