import type { z } from 'zod';
import type { ConfigProblem } from '../errors.js';
import { RULE_IDS } from '../rules/ids.js';
import { quote } from './checks.js';

/**
 * Turns schema issues into problems keyed by the dotted path of the JSON file
 * (`rules.disabled[1]`, `suppressions[0].rule`), which is what a user searches
 * for in the file. Messages never quote values of keys that hold secrets.
 */

export function formatKeyPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const name = String(segment);
      if (/^[^\s.[\]"]+$/.test(name)) out += out === '' ? name : `.${name}`;
      else out += `[${JSON.stringify(name)}]`;
    }
  }
  return out === '' ? '(top level)' : out;
}

/** Where each secret belongs instead, by the key names people are likely to try. */
const SECRET_KEY_HOMES: ReadonlyArray<[RegExp, string]> = [
  [/^client_?secret(_?file)?$/i, 'C1_CLIENT_SECRET or C1_CLIENT_SECRET_FILE'],
  [/^(access_?|bearer_?)?token(_?file)?$/i, 'C1_ACCESS_TOKEN or C1_ACCESS_TOKEN_FILE'],
  [/^smtp(_?url)?(_?file)?$|^pass(word)?$/i, 'SMTP_URL or SMTP_URL_FILE'],
  [/^slack_?(webhook_?)?url(_?file)?$/i, 'SLACK_WEBHOOK_URL or SLACK_WEBHOOK_URL_FILE'],
  [/^webhook_?url(_?file)?$/i, 'WEBHOOK_URL or WEBHOOK_URL_FILE'],
  [/^webhook_?(signing_?)?(secret|key)(_?file)?$/i, 'WEBHOOK_SECRET or WEBHOOK_SECRET_FILE'],
];
const SECRET_LOOKING_KEY = /secret|token|passw|api_?key|private_?key/i;

function secretKeyMessage(key: string): string | null {
  for (const [pattern, home] of SECRET_KEY_HOMES) {
    if (pattern.test(key)) {
      return `secrets are not accepted in the config file (value not shown); set ${home} in the environment instead`;
    }
  }
  if (SECRET_LOOKING_KEY.test(key)) {
    return 'looks like a secret, and secrets are not accepted in the config file (value not shown); use the environment (C1_CLIENT_SECRET, C1_ACCESS_TOKEN, SMTP_URL or their *_FILE variants)';
  }
  return null;
}

function unknownKeyProblem(schema: z.ZodType, parentPath: ReadonlyArray<PropertyKey>, key: string): ConfigProblem {
  const path = [...parentPath, key];
  // Under alerts.slack / alerts.webhook, "url" and "secret" are read as "slack url", "webhook secret".
  const channel = parentPath.length === 2 && parentPath[0] === 'alerts' ? String(parentPath[1]) : null;
  const scoped = channel === 'slack' || channel === 'webhook' ? secretKeyMessage(`${channel}_${key}`) : null;
  const secret = scoped ?? secretKeyMessage(key);
  if (secret !== null) return { key: formatKeyPath(path), message: secret };
  // Rule ids are the keys of `rules.severity`, so an unknown key there is an unknown rule.
  if (parentPath.length === 2 && parentPath[0] === 'rules' && parentPath[1] === 'severity') {
    return { key: formatKeyPath(path), message: `unknown rule ${quote(key)} (known: ${RULE_IDS.join(', ')})` };
  }
  const known = knownKeysAt(schema, parentPath);
  return {
    key: formatKeyPath(path),
    message: known === null ? 'unknown key' : `unknown key (known here: ${known.join(', ')})`,
  };
}

export function problemsFromIssues(schema: z.ZodType, issues: ReadonlyArray<z.core.$ZodIssue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push(unknownKeyProblem(schema, issue.path, key));
    } else {
      problems.push({ key: formatKeyPath(issue.path), message: issue.message.replace(/^Invalid input: /, '') });
    }
  }
  // One value can break several checks with the same sentence (-2.5 is neither
  // an integer nor in range); say it once.
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const id = `${problem.key}\n${problem.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The keys an object in the schema accepts, to suggest the right spelling. */
function knownKeysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] | null {
  let node: z.core.$ZodType | undefined = schema;
  for (const segment of [...path, null]) {
    node = unwrap(node);
    if (node === undefined) return null;
    if (segment === null) break;
    const def = node._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (def.type === 'object' && typeof segment === 'string') node = def.shape?.[segment];
    else if (def.type === 'array' && typeof segment === 'number') node = def.element;
    else return null;
  }
  const def = node?._zod.def as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : null;
}

function unwrap(node: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let current = node;
  for (;;) {
    const def = current?._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType } | undefined;
    if (def === undefined) return undefined;
    if (['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'].includes(def.type)) current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else return current;
  }
}
