/** Environment values, read one way everywhere: each problem is collected as a sentence saying what to set. */

/** `plain`: a base URL that paths are appended to, so no query, fragment or credentials. */
export function parseUrl(value: string | undefined, name: string, problems: string[], required: boolean, plain = true): URL | undefined {
  if (!value) {
    if (required) problems.push(`${name} is not set. Set it to your API's base URL, e.g. https://api.example.com.`);
    return undefined;
  }
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    if (plain && (url.search || url.hash || url.username || url.password)) {
      problems.push(`${name} must be a plain http(s) URL without query, fragment or credentials: got "${redactedUrl(value)}".`);
    }
    return url;
  } catch {
    problems.push(`${name} must be an absolute http(s) URL: got "${redactedUrl(value)}".`);
    return undefined;
  }
}

/** A URL as an error may print it: credentials and query (where tokens and keys hide) masked. */
export function redactedUrl(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@').replace(/[?#].*$/s, (rest) => `${rest[0]}…`);
}

export function parseBool(value: string | undefined, name: string, fallback: boolean, problems: string[]): boolean {
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  problems.push(`${name} must be "true" or "false": got "${value}".`);
  return fallback;
}

export function parseInteger(value: string | undefined, name: string, fallback: number, min: number, problems: string[]): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    problems.push(`${name} must be an integer ≥ ${min}: got "${value}".`);
    return fallback;
  }
  return n;
}

/** A route prefix: a plain absolute path without a trailing slash, query or special characters. */
export const isPrefixPath = (path: unknown): path is string => typeof path === 'string' && /^(\/[A-Za-z0-9._~-]+)+$/.test(path);

/** Whether one route prefix lies inside the other (or they are the same). */
export const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/** One of `choices` (or nothing set); otherwise undefined, and a sentence naming them. */
export function parseChoice<T extends string>(value: string | undefined, name: string, choices: readonly T[], problems: string[]): T | undefined {
  if (value === undefined || (choices as readonly string[]).includes(value)) return value as T | undefined;
  problems.push(`${name} must be one of ${choices.join(', ')}: got "${value}".`);
  return undefined;
}
