import fc from 'fast-check';
import IPCIDR from 'ip-cidr';
import { describe, expect, it } from 'vitest';
import { entryRange, parseCidrEntry } from '../../src/keys/cidr.js';

/**
 * The parser computes networks with integer masking; `ip-cidr` (a well-used
 * CIDR library, big-number arithmetic) is the reference it must agree with.
 */
const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((parts) => parts.join('.'));
const group = fc.integer({ min: 0, max: 0xffff });
const groups = fc.array(group, { minLength: 8, maxLength: 8 });

/** One of the legal spellings of the same IPv6 address: full, or a run of zero groups compressed, in any case. */
const ipv6 = fc.tuple(groups, fc.nat(), fc.boolean(), fc.integer({ min: 0, max: 8 })).map(([gs, at, upper, zeroRun]) => {
  const start = at % 8;
  const run = Math.min(zeroRun, 8 - start);
  const values = gs.map((g, i) => (i >= start && i < start + run ? 0 : g));
  const hex = values.map((g) => g.toString(16));
  let text = hex.join(':');
  if (run >= 2) text = `${hex.slice(0, start).join(':')}::${hex.slice(start + run).join(':')}`;
  return upper ? text.toUpperCase() : text;
});

function referenceStart(address: string, prefix: number): bigint {
  return new IPCIDR(`${address}/${prefix}`).start<bigint>({ type: 'bigInteger' });
}

describe('CIDR classification agrees with ip-cidr (property)', () => {
  it('IPv4: network and prefix for any address and prefix', () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 0, max: 32 }), fc.boolean(), (address, prefix, single) => {
        const text = single ? address : `${address}/${prefix}`;
        const result = parseCidrEntry(text);
        expect(result.ok).toBe(IPCIDR.isValidAddress(address));
        if (!result.ok) return;
        const expectedPrefix = single ? 32 : prefix;
        expect(result.entry).toMatchObject({ version: 4, prefix: expectedPrefix });
        expect(entryRange(result.entry).first).toBe(referenceStart(address, expectedPrefix));
      }),
      { numRuns: 2000 },
    );
  });

  it('IPv6: network and prefix for any spelling, outside the IPv4-mapped block', () => {
    fc.assert(
      fc.property(ipv6, fc.integer({ min: 0, max: 128 }), (address, prefix) => {
        const result = parseCidrEntry(`${address}/${prefix}`);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const start = referenceStart(address, prefix);
        if (prefix >= 96 && start >> 32n === 0xffffn) {
          // Mapped: judged as the IPv4 range it stands for.
          expect(result.entry).toMatchObject({ version: 4, prefix: prefix - 96 });
          expect(entryRange(result.entry).first).toBe(start & 0xffffffffn);
        } else {
          expect(result.entry).toMatchObject({ version: 6, prefix });
          expect(entryRange(result.entry).first).toBe(start);
          // The canonical text parses back to the same network.
          const again = parseCidrEntry(result.entry.cidr);
          expect(again.ok && again.entry.cidr).toBe(result.entry.cidr);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('IPv4-mapped spellings of random ranges', () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 96, max: 128 }), (v4, prefix) => {
        const result = parseCidrEntry(`::ffff:${v4}/${prefix}`);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.entry.version).toBe(4);
        expect(entryRange(result.entry).first).toBe(referenceStart(v4, prefix - 96));
      }),
      { numRuns: 1000 },
    );
  });
});
