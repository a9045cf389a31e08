import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, renderCsv } from '../../src/report/render/csv.js';
import { finding } from '../lifecycle/sample-findings.js';
import { hostileText } from './hostile-text.js';
import { sampleReport } from './sample-report.js';

/** A real RFC 4180 parser: rows as arrays of cells, CRLF record delimiters only. */
function parseCsv(text: string): string[][] {
  return parse(text, { record_delimiter: '\r\n', relax_column_count: false }) as string[][];
}

const owner = { id: 'u1', email: 'ada@example.com', displayName: 'Ada', status: 'ENABLED' };

describe('CSV rendering', () => {
  it('has the contract header, one CRLF-terminated row per open finding, worst first', () => {
    const report = sampleReport({}, [
      finding({ credentialId: 'a', severity: 'medium', ruleId: 'unused', firstSeenAt: '2026-11-20T07:00:00.000Z' }),
      finding({ credentialId: 'b', severity: 'critical', ruleId: 'broad-cidr', owner, firstSeenAt: '2026-11-26T21:33:16.000Z' }),
    ]);
    const text = renderCsv(report);
    expect(text.startsWith('severity,ruleId,credentialId,clientId,displayName,ownerEmail,message,firstSeenAt,fingerprint\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.slice(1)).toEqual([
      ['critical', 'broad-cidr', 'b', 'otter-b@acme.conductor.one/pcc', 'Key b', 'ada@example.com', 'the key has no expiry date', '2026-11-26T21:33:16.000Z', 'broad-cidr:b'],
      ['medium', 'unused', 'a', 'otter-a@acme.conductor.one/pcc', 'Key a', '', 'the key has no expiry date', '2026-11-20T07:00:00.000Z', 'unused:a'],
    ]);
  });

  it('is only the header for a report without findings', () => {
    expect(parseCsv(renderCsv(sampleReport({}, [])))).toEqual([[...CSV_COLUMNS]]);
  });

  it('defuses cells a spreadsheet would run as formulas, and quotes commas, quotes and line breaks', () => {
    const hostile = ['=HYPERLINK("http://x.example","click")', '+1+1', '-2+3', '@SUM(A1:A2)', '\tTAB', '\r=1', 'a,b', 'say "hi"', 'two\nlines', 'ok name'];
    const report = sampleReport(
      {},
      hostile.map((displayName, index) => finding({ credentialId: `k${index}`, displayName, firstSeenAt: '2026-11-26T00:00:00.000Z' })),
    );
    const rows = parseCsv(renderCsv(report)).slice(1);
    const names = rows.map((row) => row[4]);
    expect(names.sort()).toEqual(
      ["'=HYPERLINK(\"http://x.example\",\"click\")", "'+1+1", "'-2+3", "'@SUM(A1:A2)", "'\tTAB", "'\r=1", 'a,b', 'say "hi"', 'two\nlines', 'ok name'].sort(),
    );
  });

  it('property: any strings stay inside their cell and come back as written (defused when formula-like)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: hostileText(), message: hostileText(), email: hostileText(10) }), { maxLength: 5 }), (rows) => {
        const report = sampleReport(
          {},
          rows.map((row, index) =>
            finding({ credentialId: `c${index}`, displayName: row.name, message: row.message, owner: { ...owner, email: row.email }, firstSeenAt: '2026-11-26T00:00:00.000Z' }),
          ),
        );
        const parsed = parseCsv(renderCsv(report));
        expect(parsed).toHaveLength(rows.length + 1);
        // The file is UTF-8, where a lone surrogate can only be U+FFFD.
        const utf8 = (value: string): string => Buffer.from(value, 'utf8').toString('utf8');
        const expected = (value: string): string => utf8(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
        for (const row of parsed.slice(1)) {
          expect(row).toHaveLength(CSV_COLUMNS.length);
          const index = Number(row[2]!.slice(1));
          expect([row[4], row[5], row[6]]).toEqual([expected(rows[index]!.name), expected(rows[index]!.email), expected(rows[index]!.message)]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('quotes a field only when it must', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('')).toBe('');
    expect(csvField('a"b')).toBe('"a""b"');
    expect(csvField('=1')).toBe("'=1");
    expect(csvField('=1,2')).toBe('"\'=1,2"');
  });
});
