/**
 * The one way text is cleaned of secret values before it can be printed,
 * logged, stored or mailed. Messages are written never to quote a secret;
 * this is for text the tool does not write itself (a server's error
 * message, a library's error) and for the last line of defence.
 */

export const REDACTED = '[redacted]';

/**
 * Values shorter than this are not treated as secrets by default: blanking
 * every "abc" in a message would mangle it, and no real credential is that short.
 */
export const MIN_SECRET_LENGTH = 6;

export type SecretValues = Iterable<string | null | undefined>;

export interface RedactOptions {
  /** Shortest value treated as a secret; default `MIN_SECRET_LENGTH`. */
  minLength?: number;
  /**
   * Also blank the forms a secret takes on the way to a server and back:
   * base64 (padded and not), base64url and percent-encoding (URI component
   * and form). Default true.
   */
  encodedForms?: boolean;
}

/** A function that blanks `secrets` (read once, now) in any text given to it. */
export function secretRedactor(secrets: SecretValues, options: RedactOptions = {}): (text: string) => string {
  const minLength = options.minLength ?? MIN_SECRET_LENGTH;
  const encodedForms = options.encodedForms ?? true;
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < Math.max(1, minLength)) continue;
    forms.add(secret);
    if (encodedForms) for (const form of encodingsOf(secret)) forms.add(form);
  }
  // Longest first, so a value containing another is removed whole rather than leaving its rest.
  const ordered = [...forms].filter((form) => form !== '').sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => ordered.reduce((result, form) => (result.includes(form) ? result.split(form).join(REDACTED) : result), text);
}

/** `text` with every one of `secrets` (and, by default, their encoded forms) replaced by `[redacted]`. */
export function redactSecrets(text: string, secrets: SecretValues, options: RedactOptions = {}): string {
  return secretRedactor(secrets, options)(text);
}

function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = bytes.toString('base64');
  return [
    base64,
    base64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    encodeURIComponent(secret),
    // application/x-www-form-urlencoded, as token requests carry values.
    new URLSearchParams([['', secret]]).toString().slice(1),
  ];
}

/** Path segments and query values at least this long are treated as tokens of their own. */
const URL_TOKEN_MIN_LENGTH = 16;

/**
 * The forms in which a URL that carries its credential (a Slack incoming
 * webhook, whose token is its path; a webhook with a token in its path or
 * query) can turn up in text: as given, as `URL` normalises it, without the
 * scheme, its path and query, and each long path segment or query value on
 * its own (Slack's token is the last segment). Short segments ("services")
 * are left alone: blanking them everywhere would mangle messages.
 */
export function secretUrlForms(raw: string): string[] {
  const forms = [raw];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return forms;
  }
  const pathAndQuery = `${url.pathname}${url.search}`;
  forms.push(url.href, `${url.host}${pathAndQuery}`);
  if (pathAndQuery.length >= URL_TOKEN_MIN_LENGTH) forms.push(pathAndQuery);
  const parts = [...url.pathname.split('/'), ...[...url.searchParams.values()]];
  for (const part of parts) {
    if (part.length < URL_TOKEN_MIN_LENGTH) continue;
    forms.push(part);
    try {
      forms.push(decodeURIComponent(part));
    } catch {
      // an undecodable %-escape: the raw form above is what there is
    }
  }
  return forms;
}
