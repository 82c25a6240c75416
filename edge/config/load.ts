import { ConfigError } from '../errors';
import { DEFAULTS } from './defaults';
import type { BffConfig } from './types';

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the environment once. Every problem is collected so the
 * operator fixes them in one go; each message says what to set.
 */
export function loadConfig(env: Env): BffConfig {
  const problems: string[] = [];
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };

  const backendUrl = parseUrl(read('BACKEND_URL'), 'BACKEND_URL', problems, true);
  const appUrl = parseUrl(read('APP_URL'), 'APP_URL', problems, false);

  const secrets = (read('SESSION_SECRET') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (secrets.length === 0) {
    problems.push(
      'SESSION_SECRET is not set. Set it to a random string of at least 32 characters, e.g. the output of `openssl rand -base64 32`.',
    );
  } else if (secrets.some((s) => s.length < DEFAULTS.minSecretLength)) {
    problems.push(
      `SESSION_SECRET must be at least ${DEFAULTS.minSecretLength} characters (each entry, when it is a comma-separated rotation list).`,
    );
  }

  const secure = parseBool(read('COOKIE_SECURE'), 'COOKIE_SECURE', env.NODE_ENV === 'production', problems);
  const int = (name: string, fallback: number, min: number) => parseInteger(read(name), name, fallback, min, problems);

  const protectedPrefixes = read('PROTECTED_PATHS')
    ?.split(',')
    .map((p) => p.trim())
    .filter(Boolean) ?? [...DEFAULTS.protectedPrefixes];
  for (const prefix of protectedPrefixes) {
    if (!prefix.startsWith('/')) problems.push(`PROTECTED_PATHS entries must start with "/": got "${prefix}".`);
  }

  const config: BffConfig = {
    backendUrl: backendUrl as URL,
    appUrl,
    secrets,
    cookie: {
      // `__Host-` (Secure, Path=/, no Domain) stops sibling subdomains from planting a session.
      name: read('SESSION_COOKIE_NAME') ?? (secure ? `__Host-${DEFAULTS.cookieName}` : DEFAULTS.cookieName),
      secure,
      chunkSize: DEFAULTS.cookieChunkSize,
    },
    refresh: {
      skewMs: int('REFRESH_SKEW_SECONDS', DEFAULTS.refreshSkewSeconds, 0) * 1000,
      graceMs: int('REFRESH_GRACE_SECONDS', DEFAULTS.refreshGraceSeconds, 1) * 1000,
      timeoutMs: int('REFRESH_TIMEOUT_MS', DEFAULTS.refreshTimeoutMs, 100),
    },
    protectedPrefixes: protectedPrefixes.map((p) => (p.length > 1 ? p.replace(/\/+$/, '') : p)),
    loginPath: DEFAULTS.loginPath,
    backendTimeoutMs: int('BACKEND_TIMEOUT_MS', DEFAULTS.backendTimeoutMs, 100),
    logoutTimeoutMs: int('LOGOUT_TIMEOUT_MS', DEFAULTS.logoutTimeoutMs, 100),
    loginBodyLimitBytes: DEFAULTS.loginBodyLimitBytes,
    defaultAccessTtlMs: int('DEFAULT_ACCESS_TTL_SECONDS', DEFAULTS.defaultAccessTtlSeconds, 1) * 1000,
    defaultRefreshTtlMs: int('DEFAULT_REFRESH_TTL_SECONDS', DEFAULTS.defaultRefreshTtlSeconds, 1) * 1000,
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function parseUrl(value: string | undefined, name: string, problems: string[], required: boolean): URL | undefined {
  if (!value) {
    if (required) problems.push(`${name} is not set. Set it to your API's base URL, e.g. https://api.example.com.`);
    return undefined;
  }
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    if (url.search || url.hash || url.username || url.password) {
      problems.push(`${name} must be a plain http(s) URL without query, fragment or credentials: got "${value}".`);
    }
    return url;
  } catch {
    problems.push(`${name} must be an absolute http(s) URL: got "${value}".`);
    return undefined;
  }
}

function parseBool(value: string | undefined, name: string, fallback: boolean, problems: string[]): boolean {
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  problems.push(`${name} must be "true" or "false": got "${value}".`);
  return fallback;
}

function parseInteger(value: string | undefined, name: string, fallback: number, min: number, problems: string[]): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    problems.push(`${name} must be an integer ≥ ${min}: got "${value}".`);
    return fallback;
  }
  return n;
}
