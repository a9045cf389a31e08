import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configFileSchema } from './schema.js';

/**
 * The JSON Schema of the config file, generated from the zod schema so the two
 * cannot disagree. It describes the input side: keys with defaults are
 * optional there. `config/config.schema.json` holds the committed copy that
 * editors use; a test fails when it differs from this.
 */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configFileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** The file content exactly as committed: two-space indentation and a final newline. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

export async function writeConfigJsonSchema(path: string): Promise<void> {
  await writeFile(path, renderConfigJsonSchema(), 'utf8');
}

/** Path of the committed schema, `config/config.schema.json` beside `src/` (or `dist/`). */
export const COMMITTED_SCHEMA_PATH = fileURLToPath(new URL('../../config/config.schema.json', import.meta.url));

// `node dist/config/json-schema.js [path]` regenerates the committed file.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = process.argv[2] ?? COMMITTED_SCHEMA_PATH;
  writeConfigJsonSchema(target).then(
    () => console.log(`wrote ${target}`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
