import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REPORT_FORMATS } from '../../src/report/formats.js';
import { CHUNK_UNITS } from '../../src/report/render/chunks.js';
import { jsonArrayChunks, jsonChunks } from '../../src/report/render/json-chunks.js';
import { RENDERERS } from '../../src/report/render/index.js';
import type { AuditReport } from '../../src/report/types.js';
import { ORACLE_RENDERERS } from './oracle/index.js';
import { arbitraryReport } from './report-arbitrary.js';
import { sampleReport } from './sample-report.js';

/**
 * Every renderer's chunks, joined, are byte for byte what the one-string
 * renderer it replaced produced (the frozen copies in ./oracle), and what its
 * own `render` returns.
 */

function joinedChunks(chunks: Iterable<string>): { text: string; count: number } {
  const parts = Array.from(chunks);
  return { text: parts.join(''), count: parts.length };
}

describe('jsonChunks', () => {
  const cases: [string, unknown][] = [
    ['an empty object', {}],
    ['an empty array', []],
    ['empty arrays and objects as members', { a: [], b: {}, c: [[]], d: [{}] }],
    ['undefined, functions and symbols in objects (left out) and arrays (null)', { a: undefined, b: () => 1, c: Symbol('x'), d: [undefined, () => 1, Symbol('y'), 1], e: 2 }],
    ['an object whose every member is left out', { a: undefined, b: [{ c: undefined }] }],
    ['toJSON with the member key', { a: { toJSON: (key: string) => `key ${key}` }, list: [{ toJSON: (key: string) => ({ index: key }) }] }],
    ['toJSON returning undefined', { a: { toJSON: () => undefined }, list: [{ toJSON: () => undefined }] }],
    ['a toJSON result that has its own toJSON (not called again)', { a: { toJSON: () => ({ toJSON: () => 'twice', kept: true }) } }],
    ['a top-level toJSON', { toJSON: () => ({ replaced: [1, 2] }) }],
    ['dates', { at: new Date(0), list: [new Date(1)] }],
    ['boxed primitives and null', { n: Object(3) as unknown, s: Object('x') as unknown, list: [null, Object(false) as unknown] }],
    ['holes in arrays', { list: [1, , 3] }], // eslint-disable-line no-sparse-arrays
    ['integer-like keys (JSON.stringify puts them first too)', { b: 1, 2: 'two', a: 3, 1: 'one' }],
    ['strings JSON must escape', { '\n': '\u2028\u0000"\\', list: ['\ud800', '\udc00\ud83d\ude00'] }],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { a: [1, { b: 2 }] })],
    ['a top-level primitive', 'text'],
    ['top-level undefined', undefined],
    ['a class instance (not split)', { at: new (class Point { x = 1; y = [2] })() }],
  ];
  for (const [name, value] of cases) {
    it(`matches JSON.stringify(value, null, 2) for ${name}, at every depth of splitting`, () => {
      for (const levels of [0, 1, 2, 3]) expect(joinedChunks(jsonChunks(value, levels)).text).toBe(String(JSON.stringify(value, null, 2)));
    });
  }

  it('throws on a cycle, as JSON.stringify does', () => {
    const report: Record<string, unknown> = { list: [] };
    (report.list as unknown[]).push({ back: report });
    expect(() => joinedChunks(jsonChunks(report, 2))).toThrow(TypeError);
  });

  it('property: matches JSON.stringify for any JSON value and splitting depth', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat({ max: 4 }), (value, levels) => {
        expect(joinedChunks(jsonChunks(value, levels)).text).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 300 },
    );
  });

  it('property: an array built lazily matches JSON.stringify of the same array', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 6 }), fc.nat({ max: 3 }), (items, levels) => {
        function* lazily(): Generator<unknown> {
          yield* items;
        }
        expect(joinedChunks(jsonArrayChunks(lazily(), levels + 1)).text).toBe(JSON.stringify(items, null, 2));
      }),
      { numRuns: 200 },
    );
  });
});

describe('chunked renderers', () => {
  for (const format of REPORT_FORMATS) {
    it(`${format}: property: the chunks join to exactly the old one-string rendering, and to render()`, () => {
      fc.assert(
        fc.property(arbitraryReport(), (report) => {
          const expected = ORACLE_RENDERERS[format](report);
          expect(joinedChunks(RENDERERS[format].chunks(report)).text).toBe(expected);
          expect(RENDERERS[format].render(report)).toBe(expected);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('json: a top-level property that is undefined is left out, as JSON.stringify leaves it out', () => {
    const report = { ...sampleReport(), extra: undefined } as AuditReport;
    expect(joinedChunks(RENDERERS.json.chunks(report)).text).toBe(ORACLE_RENDERERS.json(report));
  });

  it('splits the parts that grow with the report into chunks of a few kilobytes', () => {
    const many = 500;
    const report = sampleReport(
      {
        clients: Array.from({ length: many }, (_, i) => ({
          id: `k${i}`,
          clientId: `k${i}@acme/pcc`,
          displayName: `key ${i}`,
          userId: null,
          owner: null,
          createdAt: null,
          expiresTime: null,
          lastUsedAt: null,
          allowSourceCidr: [],
          scopedRoles: [],
          invalidFields: [],
          findings: [],
        })),
      },
      [],
    );
    // JSON: the clients (about 150,000 characters) over many chunks, none much larger than the batch size.
    const json = Array.from(RENDERERS.json.chunks(report));
    expect(json.filter((chunk) => chunk.length >= CHUNK_UNITS).length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...json.map((chunk) => chunk.length))).toBeLessThan(2 * CHUNK_UNITS);
    // HTML: the clean keys' rows (about 70,000 characters) over several chunks, none much larger than the batch size.
    const html = Array.from(RENDERERS.html.chunks(report));
    expect(html.filter((chunk) => chunk.length >= CHUNK_UNITS).length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...html.map((chunk) => chunk.length))).toBeLessThan(2 * CHUNK_UNITS);
  });
});
