import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What `docker build` sends as its context: the directory minus what
 * `.dockerignore` excludes. Follows Docker's rules closely enough for this
 * project's file: patterns are relative to the root, `*` and `?` stay within
 * one path segment, `**` spans segments, a match on a directory excludes
 * everything below it, `!` re-includes, and the last matching line wins.
 */
export interface IgnoreRule {
  negate: boolean;
  pattern: RegExp;
}

export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    line = line.replace(/^\/+/, '').replace(/\/+$/, '');
    rules.push({ negate, pattern: globToRegExp(line) });
  }
  return rules;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      source += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** True when `path` (relative, `/`-separated) or one of its parent directories is excluded. */
export function isIgnored(rules: readonly IgnoreRule[], path: string): boolean {
  const segments = path.split('/');
  let ignored = false;
  for (const rule of rules) {
    for (let end = 1; end <= segments.length; end++) {
      if (rule.pattern.test(segments.slice(0, end).join('/'))) {
        ignored = !rule.negate;
        break;
      }
    }
  }
  return ignored;
}

/**
 * The files of `root` that `docker build` would send, as relative
 * `/`-separated paths in a stable order (sorted), so whatever is computed
 * from the list (a copy, a cache key) does not depend on directory order.
 */
export async function listBuildContext(root: string): Promise<string[]> {
  const rules = parseDockerignore(await readFile(join(root, '.dockerignore'), 'utf8'));
  const canPrune = rules.every((rule) => !rule.negate);
  const listed: string[] = [];
  async function walk(relativeDir: string): Promise<void> {
    for (const entry of await readdir(join(root, relativeDir), { withFileTypes: true })) {
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      const ignored = isIgnored(rules, relative);
      if (entry.isDirectory()) {
        if (!(ignored && canPrune)) await walk(relative);
      } else if (entry.isFile() && !ignored) {
        listed.push(relative);
      }
    }
  }
  await walk('');
  return listed.sort();
}
