import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigProblem } from '../../src/errors.js';

export const CLIENT_ID = 'cool-otter-12345@acme.conductor.one/pcc';

/** A real, loadable client secret: an Ed25519 private JWK, base64url JSON, with C1's prefix. */
export function makeClientSecret(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return `secret-token:conductorone.com:v1:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}`;
}

/** A temp dir per test, removed after it. */
export function tempDirs(): { make: () => Promise<string>; cleanup: () => Promise<void> } {
  const made: string[] = [];
  return {
    make: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'c1-hygiene-config-'));
      made.push(dir);
      return dir;
    },
    cleanup: async () => {
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

export async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2), 'utf8');
  return path;
}

export function keysOf(problems: ConfigProblem[]): string[] {
  return problems.map((p) => p.key);
}

/** Every problem as one text, for "the secret is not in any message" assertions. */
export function allText(problems: ConfigProblem[]): string {
  return problems.map((p) => `${p.key}: ${p.message}`).join('\n');
}
