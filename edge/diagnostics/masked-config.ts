import { redactedUrl } from '../config/parse-values.ts';
import type { BffConfig } from '../config/types.ts';

/** Settings whose value is a secret: shown as `(set)`. Matched by name, so a new secret setting is masked by default. */
const SECRET = /secret|password|private|connection|^token$|credential/i;
/** An API's `token` is its token policy (`user`, `client`…), not a secret. */
const TOKEN_POLICY = /^apis\.\d+\.token$/;

/** The effective configuration as the diagnostics report shows it: secrets masked, URLs without credentials or query. */
export function maskedConfig(config: BffConfig): unknown {
  return mask(config, '');
}

function mask(value: unknown, path: string): unknown {
  const name = path.slice(path.lastIndexOf('.') + 1);
  if (value === undefined || typeof value === 'function') return undefined;
  if (SECRET.test(name) && !TOKEN_POLICY.test(path)) return Array.isArray(value) ? value.map(() => '(set)') : '(set)';
  if (value instanceof URL) return redactedUrl(value.toString());
  if (typeof value === 'string') return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? redactedUrl(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item, i) => mask(item, `${path}.${i}`));
  // Keys and other objects of a runtime (a CryptoKey, a Map) are not settings to show.
  if (Object.getPrototypeOf(value) !== Object.prototype) return `(${value.constructor?.name ?? 'object'})`;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const shown = mask(item, path ? `${path}.${key}` : key);
    if (shown !== undefined) out[key] = shown;
  }
  return out;
}
