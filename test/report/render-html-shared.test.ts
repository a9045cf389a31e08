import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Owner } from '../../src/keys/types.js';
import { CHUNK_UNITS } from '../../src/report/render/chunks.js';
import { renderHtmlChunks } from '../../src/report/render/html.js';
import type { AuditReport, ReportClient } from '../../src/report/types.js';
import type { Finding } from '../../src/rules/types.js';
import { SEVERITIES } from '../../src/severity.js';
import { hostileText } from './hostile-text.js';
import { ORACLE_RENDERERS } from './oracle/index.js';
import { arbitraryReport } from './report-arbitrary.js';

/**
 * The HTML page makes what recurs from key to key once (an owner's cell, a
 * finding's opening, an advice item) and checks it against each key. Here
 * owners, rule texts and times come from small pools, so the same owner id
 * turns up with another name or status, the same title with another rule or
 * severity, the same remediation with another link: every page must still
 * be byte for byte what the frozen one-string renderer wrote, also when its
 * rows fill many chunks.
 */

const AS_OF = '2026-11-26T07:00:00.000Z';
const pick = <T>(...values: T[]): fc.Arbitrary<T> => fc.constantFrom(...values);
const poolText = (...values: string[]): fc.Arbitrary<string> => fc.oneof({ weight: 4, arbitrary: pick(...values) }, { weight: 1, arbitrary: hostileText(12) });

const owner: fc.Arbitrary<Owner | null> = fc.option(
  fc.record({
    id: pick('u1', 'u2', '<u3>', ''),
    email: fc.option(poolText('ann@example.com', 'bob@example.com')),
    displayName: fc.option(poolText('Ann', 'Bob & Co')),
    status: pick('ENABLED', 'DISABLED', 'DELETED', 'UNKNOWN'),
  }),
  { freq: 4 },
);
const keyId = fc.integer({ min: 0, max: 40 }).map((n) => `k${n}`);
const time = pick(AS_OF, '2026-11-26T07:00:00Z', '2026-10-01T00:00:00.000Z', '2026-12-24T12:30:00.000Z', '2026-02-30T00:00:00.000Z', 'not a time', '');

const finding: fc.Arbitrary<Finding> = fc.record({
  fingerprint: hostileText(8),
  ruleId: pick('no-expiry', 'broad-cidr', '<rule>'),
  severity: pick(...SEVERITIES),
  credentialId: keyId,
  clientId: poolText('c1@acme/pcc', 'c2@acme/pcc'),
  displayName: poolText('laptop token', 'ci <deploy>'),
  owner,
  title: poolText('Key never expires', 'Broad "range"'),
  message: poolText('no expiry set', 'allows 0.0.0.0/0'),
  evidence: fc.constant({}),
  risk: fc.constant(''),
  remediation: poolText('Rotate it', 'Narrow it & rotate'),
  reference: pick('https://www.conductorone.com/docs/', 'https://example.com/"quoted"', 'javascript:alert(1)'),
  firstSeenAt: time,
});

const client: fc.Arbitrary<ReportClient> = fc.record({
  id: keyId,
  clientId: poolText('c1@acme/pcc', 'c3@acme/pcc'),
  displayName: poolText('laptop token', 'grafana'),
  userId: fc.option(pick('u1', 'u9', '')),
  owner,
  createdAt: fc.option(time),
  expiresTime: fc.option(time),
  lastUsedAt: fc.option(time),
  allowSourceCidr: fc.constant([]),
  scopedRoles: fc.constant([]),
  invalidFields: fc.constant([]),
  findings: fc.constant([]),
});

const pooledReport: fc.Arbitrary<AuditReport> = fc
  .tuple(arbitraryReport(), fc.array(finding, { maxLength: 120 }), fc.array(client, { maxLength: 60 }), pick(AS_OF, 'not a time'))
  .map(([report, findings, clients, asOf]) => ({ ...report, asOf, findings, clients }));

describe('HTML page: what is made once per page', () => {
  it('property: shared owners, rule texts and times give the same page as the one-string renderer', () => {
    fc.assert(
      fc.property(pooledReport, (report) => {
        const chunks = Array.from(renderHtmlChunks(report));
        expect(chunks.join('')).toBe(ORACLE_RENDERERS.html(report));
      }),
      { numRuns: 150 },
    );
  });

  it('many keys: rows go out in chunks of a few kilobytes, the same page as the one-string renderer', () => {
    const [report] = fc.sample(pooledReport, { numRuns: 1, seed: 11 });
    const findings = fc.sample(finding, { numRuns: 120, seed: 12 });
    const clients = fc.sample(client, { numRuns: 60, seed: 13 });
    const many: AuditReport = {
      ...report!,
      asOf: AS_OF,
      findings: Array.from({ length: 30 }, (_, copy) => findings.map((item) => ({ ...item, credentialId: `${item.credentialId}-${copy}` }))).flat(),
      clients: Array.from({ length: 30 }, (_, copy) => clients.map((item) => ({ ...item, id: `${item.id}-${copy}` }))).flat(),
    };
    const chunks = Array.from(renderHtmlChunks(many));
    expect(chunks.join('')).toBe(ORACLE_RENDERERS.html(many));
    const rowChunks = chunks.filter((chunk) => chunk.length >= CHUNK_UNITS);
    expect(rowChunks.length).toBeGreaterThan(3);
    // A chunk ends with the row that reaches the size: a key's row is far smaller than the chunk.
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(3 * CHUNK_UNITS);
  });
});
