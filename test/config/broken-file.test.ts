import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { findJsonSyntaxError } from '../../src/config/json-syntax.js';
import { tempDirs, writeJson } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

/** Upper-case letters our messages never use (no J, S, O, N: "JSON" is in them). */
const secretArb = fc.stringMatching(/^[ABCDEFGHIKLMPQRTUVWXYZ]{12,24}$/);

function windows(secret: string, size: number): string[] {
  return Array.from({ length: secret.length - size + 1 }, (_, i) => secret.slice(i, i + size));
}

describe('a config file with a syntax error', () => {
  it('never quotes any part of a value: only our words, the line and the column (property)', async () => {
    const cwd = await dirs.make();
    await fc.assert(
      fc.asyncProperty(
        secretArb,
        fc.constantFrom(
          (v: string) => `{"password": ${v}}`,
          (v: string) => `{\n  "c1": {"clientId": "${v}"\n`,
          (v: string) => `{"a": "${v}\n"}`,
          (v: string) => `{"a": "${v}\\q"}`,
          (v: string) => `{"a": ["${v}",]}`,
          (v: string) => `{"a": "${v}"} ${v}`,
          (v: string) => `{${v}: 1}`,
        ),
        fc.nat(40),
        async (secret, shape, indent) => {
          const path = await writeJson(cwd, 'c.json', `${' '.repeat(indent)}${shape(secret)}`);
          const { problems } = await validateConfig({ configPath: path, env: {}, cwd });
          expect(problems).toHaveLength(1);
          const message = (problems[0]?.message ?? '').replace(JSON.stringify(path), '<path>');
          expect(message).toMatch(/^config file <path> is not valid JSON: (?:[a-z ",:{}[\]()\\]|JSON)+ at line \d+, column \d+$/);
          for (const part of windows(secret, 3)) expect(message).not.toContain(part);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('points at the first broken character, and agrees with JSON.parse on what is broken (property)', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom('', '}', ']', ',', ':', '"', 'x', '\n', '{', '[', '-', '0'), (json, at, insert) => {
        const position = at % (json.length + 1);
        const text = json.slice(0, position) + insert + json.slice(position);
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        const error = findJsonSyntaxError(text);
        expect(error === null).toBe(parses);
        if (error) expect(error.offset).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 500 },
    );
  });

  it('the example from the field: the password value is not shown at all', async () => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', '{"password":\n  Hunter2VerySecretPw}');
    const { problems } = await validateConfig({ configPath: path, env: {}, cwd });
    expect(problems[0]?.message).toMatch(/is not valid JSON: expected a value .* at line 2, column 3$/);
    expect(problems[0]?.message).not.toMatch(/Hunter|assword/);
  });
});

describe('config structure JavaScript would misread', () => {
  it.each([
    ['{"rules":{"severity":{"__proto__":{"expired":"critical"}}}}', 'rules.severity.__proto__'],
    ['{"__proto__":{"report":{"keep":1}}}', '__proto__'],
    ['{"rules":{"severity":{"constructor":"high"}}}', 'rules.severity.constructor'],
  ])('%s is refused, naming the key', async (content, key) => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', content);
    const { config, problems } = await validateConfig({ configPath: path, env: {}, cwd });
    expect(config).toBeNull();
    expect(problems.map((p) => p.key)).toEqual([key]);
    expect(problems[0]?.message).toContain('is not allowed as a key');
  });

  it('a file nested 100,000 deep is refused with a problem, not a crash', async () => {
    const cwd = await dirs.make();
    const path = await writeJson(cwd, 'c.json', `{"report":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const { config, problems } = await validateConfig({ configPath: path, env: {}, cwd });
    expect(config).toBeNull();
    expect(problems[0]?.message).toContain('nested deeper than 32 levels');
  });
});
