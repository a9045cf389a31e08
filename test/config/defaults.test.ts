import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFileDefaults, setsNothing } from '../../src/config/defaults.js';
import { loadConfig } from '../../src/config/load.js';
import { configFileSchema } from '../../src/config/schema.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'c1-hygiene-defaults-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the defaults of a config file that sets nothing', () => {
  it('are exactly what the schema makes of {}', () => {
    expect(configFileDefaults()).toStrictEqual(configFileSchema.parse({}));
  });

  it('are a new object each time', () => {
    const first = configFileDefaults();
    first.rules.broadRoles.roles.push('Changed');
    expect(configFileDefaults().rules.broadRoles.roles).toEqual(['Super Administrator']);
  });

  it('only an empty object sets nothing', () => {
    expect(setsNothing({})).toBe(true);
    for (const raw of [{ $schema: './config.schema.json' }, { c1: {} }, [], null, 'text', 0]) expect(setsNothing(raw)).toBe(false);
  });

  it('no file, {} and a file the schema checks (only "$schema") load the same configuration', async () => {
    const env = { C1_ACCESS_TOKEN: 'token', C1_API_URL: 'http://127.0.0.1:1' };
    const load = async (content: string | null) => {
      if (content === null) return loadConfig({ env, cwd: dir, configPath: null });
      const path = join(dir, `config-${content.length}.json`);
      await writeFile(path, content);
      return loadConfig({ env, cwd: dir, configPath: path });
    };
    const [none, empty, checked] = await Promise.all([load(null), load('{}'), load('{"$schema": "./config.schema.json"}')]);
    expect(none.source).toBeNull();
    expect(checked.source).not.toBeNull();
    const settings = ({ source: _source, ...rest }: typeof none) => rest;
    expect(settings(none)).toEqual(settings(checked));
    expect(settings(empty)).toEqual(settings(checked));
  });
});
