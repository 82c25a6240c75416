import { percentDecoded } from '../http/percent-decode.ts';
import { isObject } from '../backend/presets/read-json.ts';
import type { Policy, WindowLimit } from './types.ts';

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; errors: string[] };

/**
 * Validates a policy document (every field optional) and merges it over `base`. Any error
 * rejects the whole document: a half-applied policy is worse than the last good one.
 */
export function parsePolicy(doc: unknown, base: Policy): PolicyResult {
  const errors: string[] = [];
  if (!isObject(doc)) return { ok: false, errors: ['the policy must be a JSON object'] };
  const known = ['protectedPaths', 'refreshSkewSeconds', 'rateLimit', 'maintenance', 'allowedOrigins'];
  for (const key of Object.keys(doc)) if (!known.includes(key)) errors.push(`unknown field "${key}"`);

  const policy: Policy = structuredClone(base);
  if (doc.protectedPaths !== undefined) {
    const paths = isStringArray(doc.protectedPaths) ? protectedPaths(doc.protectedPaths) : undefined;
    if (paths) policy.protectedPaths = paths;
    else errors.push('protectedPaths must be a non-empty array of paths like "/dashboard" (no "..", "//", "?", "#", "\\" or spaces)');
  }
  if (doc.refreshSkewSeconds !== undefined) {
    if (isInt(doc.refreshSkewSeconds, 0, 3600)) policy.refreshSkewSeconds = doc.refreshSkewSeconds;
    else errors.push('refreshSkewSeconds must be an integer from 0 to 3600');
  }
  if (doc.rateLimit !== undefined) {
    const rl = doc.rateLimit;
    if (!isObject(rl)) errors.push('rateLimit must be an object');
    else {
      for (const name of ['loginPerIp', 'loginPerIdentifier'] as const) {
        if (rl[name] === undefined) continue;
        const parsed = windowLimit(rl[name]);
        if (parsed) policy.rateLimit[name] = parsed;
        else errors.push(`rateLimit.${name} must be { limit: 1–100000, windowSeconds: 1–86400 }`);
      }
      if (rl.onError !== undefined) {
        if (rl.onError === 'closed' || rl.onError === 'open') policy.rateLimit.onError = rl.onError;
        else errors.push('rateLimit.onError must be "closed" or "open"');
      }
    }
  }
  if (doc.maintenance !== undefined) {
    const m = doc.maintenance;
    if (!isObject(m) || typeof m.enabled !== 'boolean' || (m.message !== undefined && typeof m.message !== 'string')) {
      errors.push('maintenance must be { enabled: boolean, message?: string }');
    } else {
      policy.maintenance = { enabled: m.enabled, message: typeof m.message === 'string' && m.message ? m.message.slice(0, 500) : base.maintenance.message };
    }
  }
  if (doc.allowedOrigins !== undefined) {
    const origins = isStringArray(doc.allowedOrigins) ? doc.allowedOrigins.map(originOf) : [undefined];
    if (origins.every((o): o is string => o !== undefined)) policy.allowedOrigins = origins;
    else errors.push('allowedOrigins must be an array of http(s) origins like "https://admin.example.com"');
  }
  return errors.length ? { ok: false, errors } : { ok: true, policy };
}

/**
 * Protected prefixes in the one form `classify` compares with (decoded, no trailing slash), from the environment and
 * Edge Config alike: `/dashboard/` protects `/dashboard` too. An empty list, or any entry that is not a plain path,
 * rejects the document: a policy can narrow what is public, never open everything by accident.
 */
function protectedPaths(list: string[]): string[] | undefined {
  const out = new Set<string>();
  for (const raw of list) {
    const path = percentDecoded(raw.trim());
    if (path === undefined || !path.startsWith('/') || /\/\/|[?#\\\s]|(^|\/)\.\.?(\/|$)/.test(path)) return undefined;
    out.add(path.length > 1 ? path.replace(/\/+$/, '') : path);
  }
  return out.size ? [...out] : undefined;
}

function windowLimit(value: unknown): WindowLimit | undefined {
  if (!isObject(value) || !isInt(value.limit, 1, 100_000) || !isInt(value.windowSeconds, 1, 86_400)) return undefined;
  return { limit: value.limit, windowSeconds: value.windowSeconds };
}

/** The canonical origin of an http(s) URL that is nothing but an origin. */
function originOf(value: string): string | undefined {
  try {
    const url = new URL(value);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value.replace(/\/$/, '')) return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
