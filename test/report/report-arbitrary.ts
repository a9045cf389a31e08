import fc from 'fast-check';
import type { Owner } from '../../src/keys/types.js';
import type { AuditReport, ReportClient, ResolvedFinding } from '../../src/report/types.js';
import type { Finding, SuppressedFinding } from '../../src/rules/types.js';
import { SEVERITIES } from '../../src/severity.js';
import { hostileText } from './hostile-text.js';

/**
 * Whole reports as an API could make them: every text field hostile (markup,
 * `</script>`, quotes, controls, bidi marks, emoji, lone surrogates, long
 * runs), empty and non-empty arrays, nulls wherever the schema allows them,
 * evidence of any JSON shape (and with values JSON.stringify drops or turns
 * through toJSON), and keys shared between clients and findings so the HTML
 * groups them.
 */

const ATTACKS = ['</script><script>alert(1)</script>', '<!--', ']]>', '"; DROP TABLE', '=HYPERLINK("x")', '\u202egnp.exe', '\r\n\r\n', '\\u0000', '{"a":1}'];

export function reportText(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: hostileText(40) },
    { weight: 2, arbitrary: fc.constantFrom(...ATTACKS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 300, maxLength: 2_000 }) },
    { weight: 1, arbitrary: fc.constant('') },
  );
}

/** RFC 3339 times around the report's "as of", so the expiry timeline has keys on it. */
const AS_OF = Date.parse('2026-11-26T07:00:00.000Z');
const DAY = 86_400_000;
const time = (): fc.Arbitrary<string> => fc.integer({ min: -400, max: 400 }).map((days) => new Date(AS_OF + days * DAY * 0.37).toISOString());

const severity = fc.constantFrom(...SEVERITIES);
/** A few ids only: findings, clients and resolved entries of one key meet. */
const keyId = fc.oneof(fc.constantFrom('k1', 'k2', 'k3', 'k4'), reportText());
const ruleId = fc.constantFrom('no-expiry', 'expiring-soon', 'broad-cidr', 'unused', 'owner-inactive', '<rule>');

const owner: fc.Arbitrary<Owner | null> = fc.option(
  fc.record({
    id: reportText(),
    email: fc.option(reportText()),
    displayName: fc.option(reportText()),
    status: fc.constantFrom('ENABLED', 'DISABLED', 'DELETED', 'UNKNOWN', '<b>'),
  }),
);

/** Evidence of any JSON shape, plus what JSON.stringify drops (undefined) or converts (a Date's toJSON). */
const evidence: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  reportText(),
  fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.date({ noInvalidDate: true }), fc.array(fc.option(fc.string(), { nil: undefined }))),
  { maxKeys: 4 },
);

const findingFields = {
  fingerprint: reportText(),
  ruleId,
  severity,
  credentialId: keyId,
  clientId: reportText(),
  displayName: reportText(),
  owner,
  title: reportText(),
  message: reportText(),
  evidence,
  risk: reportText(),
  remediation: reportText(),
  reference: fc.oneof(fc.constant('https://www.conductorone.com/docs/'), fc.constant('javascript:alert(1)'), reportText()),
  firstSeenAt: fc.oneof(time(), fc.constant('2026-11-26T07:00:00.000Z')),
};

const finding: fc.Arbitrary<Finding> = fc.record(findingFields);

const suppressed: fc.Arbitrary<SuppressedFinding> = fc.record({ ...findingFields, reason: reportText(), suppressionExpires: fc.option(time()) });

const resolved: fc.Arbitrary<ResolvedFinding> = fc.record({
  fingerprint: reportText(),
  ruleId,
  severity,
  title: reportText(),
  credentialId: keyId,
  clientId: reportText(),
  displayName: reportText(),
  firstSeenAt: time(),
});

const client: fc.Arbitrary<ReportClient> = fc.record({
  id: keyId,
  clientId: reportText(),
  displayName: reportText(),
  userId: fc.option(reportText()),
  owner,
  createdAt: fc.option(time()),
  expiresTime: fc.option(time()),
  lastUsedAt: fc.option(time()),
  allowSourceCidr: fc.array(reportText(), { maxLength: 3 }),
  scopedRoles: fc.array(reportText(), { maxLength: 2 }),
  invalidFields: fc.array(reportText(), { maxLength: 2 }),
  findings: fc.array(ruleId, { maxLength: 3 }),
});

const warning = fc.record(
  {
    credentialId: fc.option(reportText()),
    // Optional in the schema: absent, present, or present as undefined (which JSON.stringify leaves out).
    index: fc.option(fc.nat(), { nil: undefined }),
    field: reportText(),
    message: reportText(),
  },
  { requiredKeys: ['credentialId', 'field', 'message'] },
);

const count = fc.nat({ max: 100_000 });
const list = <T>(item: fc.Arbitrary<T>, maxLength: number): fc.Arbitrary<T[]> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant<T[]>([]) }, { weight: 3, arbitrary: fc.array(item, { maxLength }) });

export function arbitraryReport(): fc.Arbitrary<AuditReport> {
  return fc.record({
    schemaVersion: fc.constant(1 as const),
    tool: fc.record({ name: fc.constant('c1-credential-hygiene'), version: reportText() }),
    runId: reportText(),
    asOf: fc.constant(new Date(AS_OF).toISOString()),
    startedAt: time(),
    finishedAt: time(),
    tenant: reportText(),
    summary: fc.record({
      clientsScanned: count,
      clientsSkipped: count,
      clientsDeleted: count,
      findings: count,
      suppressed: count,
      resolved: count,
      bySeverity: fc.record({ info: count, low: count, medium: count, high: count, critical: count }),
      byRule: fc.dictionary(reportText(), count, { maxKeys: 4 }),
    }),
    clients: list(client, 8),
    findings: list(finding, 10),
    suppressed: list(suppressed, 4),
    resolved: list(resolved, 4),
    warnings: list(warning, 4),
    rules: list(fc.record({ id: ruleId, title: reportText(), severity, enabled: fc.boolean() }), 4),
  });
}
