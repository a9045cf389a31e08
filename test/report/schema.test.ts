import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMITTED_REPORT_SCHEMA_PATH, renderReportJsonSchema, reportJsonSchema } from '../../src/report/json-schema.js';
import type { AuditReport } from '../../src/report/types.js';
import { auditTwice, type AuditedRuns } from './audited-reports.js';

/** A real JSON Schema 2020-12 validator, independent of the zod schema the file was generated from. */
function validator(): (value: unknown) => { valid: boolean; errors: string[] } {
  const ajv = new Ajv2020.default({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validate = ajv.compile(reportJsonSchema());
  return (value) => {
    const valid = validate(value);
    return { valid, errors: (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`) };
  };
}

/** Every object schema below `node`, with its path, to check each field is documented. */
function* propertiesOf(node: unknown, path = ''): Generator<[string, Record<string, unknown>]> {
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
    const at = `${path}${path ? '.' : ''}${key}`;
    yield [at, child];
    yield* propertiesOf(child, at);
  }
  if (schema.items) yield* propertiesOf(schema.items, `${path}[]`);
  for (const variant of (schema.anyOf ?? []) as unknown[]) yield* propertiesOf(variant, path);
}

describe('config/report.schema.json', () => {
  let runs: AuditedRuns;
  beforeAll(async () => {
    runs = await auditTwice();
  }, 60_000);
  afterAll(async () => {
    await runs.cleanup();
  });

  it('is the committed file, generated from the report schema (regenerate: node dist/report/json-schema.js)', async () => {
    expect(COMMITTED_REPORT_SCHEMA_PATH).toBe(fileURLToPath(new URL('../../config/report.schema.json', import.meta.url)));
    expect(await readFile(COMMITTED_REPORT_SCHEMA_PATH, 'utf8')).toBe(renderReportJsonSchema());
    expect(reportJsonSchema().$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('documents every field and forbids unknown ones', () => {
    const schema = reportJsonSchema();
    expect(schema.additionalProperties).toBe(false);
    const fields = [...propertiesOf(schema)];
    expect(fields.length).toBeGreaterThan(60);
    expect(fields.filter(([, child]) => typeof child.description !== 'string').map(([path]) => path)).toEqual([]);
    for (const [path, child] of fields.filter(([p, child]) => child.type === 'object' && child.properties && !p.endsWith('evidence'))) {
      expect([path, child.additionalProperties]).toEqual([path, false]);
    }
  });

  it('validates every report the tool wrote, with owners, resolved and suppressed findings', () => {
    const validate = validator();
    const [first, second] = runs.reports as [AuditReport, AuditReport];
    expect(first.findings.length).toBeGreaterThan(10);
    expect(second.resolved.length).toBeGreaterThan(0);
    for (const report of runs.reports) expect(validate(report)).toEqual({ valid: true, errors: [] });

    const owner = { id: 'user-1', email: 'ada@example.com', displayName: 'Ada', status: 'ENABLED' };
    const withOwners = {
      ...second,
      clients: second.clients.map((client) => ({ ...client, owner })),
      findings: second.findings.map((finding) => ({ ...finding, owner: { ...owner, email: null } })),
      suppressed: [{ ...second.findings[0]!, owner, reason: 'accepted', suppressionExpires: '2027-01-31T00:00:00.000Z' }],
    };
    expect(validate(withOwners)).toEqual({ valid: true, errors: [] });
  });

  it('rejects a tampered report, naming where', () => {
    const validate = validator();
    const report = runs.reports[1]!;
    const finding = report.findings[0]!;
    const tampered: [string, unknown][] = [
      ['severity', { ...report, findings: [{ ...finding, severity: 'urgent' }] }],
      ['missing fingerprint', { ...report, findings: [{ ...finding, fingerprint: undefined }] }],
      ['unknown field', { ...report, findings: [{ ...finding, injected: true }] }],
      ['negative count', { ...report, summary: { ...report.summary, findings: -1 } }],
      ['schema version', { ...report, schemaVersion: 2 }],
      ['timestamp', { ...report, asOf: 'yesterday' }],
      ['owner shape', { ...report, clients: [{ ...report.clients[0]!, owner: { id: 'u' } }] }],
      ['resolved severity', { ...report, resolved: [{ ...report.resolved[0]!, severity: undefined }] }],
    ];
    for (const [what, value] of tampered) {
      const result = validate(JSON.parse(JSON.stringify(value)));
      expect({ what, valid: result.valid }).toEqual({ what, valid: false });
      expect(result.errors.length).toBeGreaterThan(0);
    }
  });
});
