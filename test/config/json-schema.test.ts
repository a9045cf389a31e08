import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMITTED_SCHEMA_PATH, configJsonSchema, renderConfigJsonSchema, writeConfigJsonSchema } from '../../src/config/json-schema.js';
import { loadConfig, validateConfig } from '../../src/config/load.js';
import { tempDirs } from './helpers.js';

const EXAMPLE_PATH = fileURLToPath(new URL('../../config/example.config.json', import.meta.url));
const dirs = tempDirs();
afterEach(() => dirs.cleanup());

/** Every object schema below `node`, with its path, to check each key is documented. */
function* propertiesOf(node: unknown, path = ''): Generator<[string, Record<string, unknown>]> {
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [key, child] of Object.entries(properties ?? {})) {
    yield [`${path}${path ? '.' : ''}${key}`, child];
    yield* propertiesOf(child, `${path}${path ? '.' : ''}${key}`);
  }
  if (schema.items) yield* propertiesOf(schema.items, `${path}[]`);
}

describe('config JSON Schema', () => {
  it('the committed config/config.schema.json is the generated one (regenerate: node dist/config/json-schema.js)', async () => {
    expect(COMMITTED_SCHEMA_PATH).toBe(fileURLToPath(new URL('../../config/config.schema.json', import.meta.url)));
    const committed = await readFile(COMMITTED_SCHEMA_PATH, 'utf8');
    expect(committed).toBe(renderConfigJsonSchema());
  });

  it('documents every key and forbids unknown ones', () => {
    const schema = configJsonSchema();
    expect(schema.additionalProperties).toBe(false);
    const undocumented = [...propertiesOf(schema)].filter(([, child]) => typeof child.description !== 'string').map(([path]) => path);
    expect(undocumented).toEqual([]);
    const objects = [...propertiesOf(schema)].filter(([, child]) => child.type === 'object' && child.properties);
    expect(objects.length).toBeGreaterThan(5);
    for (const [path, child] of objects) expect([path, child.additionalProperties]).toEqual([path, false]);
  });

  it('makes defaulted keys optional and shows their defaults', () => {
    const schema = configJsonSchema() as { required?: string[]; properties: Record<string, { properties?: Record<string, { default?: unknown }> }> };
    expect(schema.required ?? []).toEqual([]);
    expect(schema.properties.schedule?.properties?.cron?.default).toBe('0 7 * * *');
    expect(schema.properties.report?.properties?.keep?.default).toBe(30);
  });

  it('writes the rendered schema to a file', async () => {
    const dir = await dirs.make();
    const target = `${dir}/schema.json`;
    await writeConfigJsonSchema(target);
    expect(JSON.parse(await readFile(target, 'utf8'))).toEqual(configJsonSchema());
  });
});

describe('config/example.config.json', () => {
  it('points editors at the schema', async () => {
    const example = JSON.parse(await readFile(EXAMPLE_PATH, 'utf8')) as Record<string, unknown>;
    expect(example.$schema).toBe('./config.schema.json');
  });

  it('loads without problems once SMTP_URL is set (its recipients need a mail server)', async () => {
    const cwd = await dirs.make();
    const config = await loadConfig({ configPath: EXAMPLE_PATH, env: { SMTP_URL: 'smtp://127.0.0.1:2525' }, cwd });
    expect(config.source).toBe(EXAMPLE_PATH);
    expect(config.c1.apiUrl).toBe('https://acme.conductor.one');
    expect(config.suppressions).toHaveLength(1);
    expect(config.alerts.email.to.length).toBeGreaterThan(0);
  });

  it('without SMTP_URL the only problem is the missing mail server', async () => {
    const cwd = await dirs.make();
    const { problems } = await validateConfig({ configPath: EXAMPLE_PATH, env: {}, cwd });
    expect(problems.map((p) => p.key)).toEqual(['SMTP_URL']);
  });
});
