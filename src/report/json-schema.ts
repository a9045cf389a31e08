import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { auditReportSchema } from './schema.js';

/**
 * The JSON Schema (2020-12) of the JSON report, generated from the zod schema
 * the report's types come from. `config/report.schema.json` holds the
 * committed copy for consumers; a test fails when it differs from this.
 */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(auditReportSchema, { io: 'output', target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** The file content exactly as committed: two-space indentation and a final newline. */
export function renderReportJsonSchema(): string {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}

/** Path of the committed schema, `config/report.schema.json` beside `src/` (or `dist/`). */
export const COMMITTED_REPORT_SCHEMA_PATH = fileURLToPath(new URL('../../config/report.schema.json', import.meta.url));

// `node dist/report/json-schema.js [path]` regenerates the committed file.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = process.argv[2] ?? COMMITTED_REPORT_SCHEMA_PATH;
  writeFile(target, renderReportJsonSchema(), 'utf8').then(
    () => console.log(`wrote ${target}`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
