import { ConfigError } from '../errors.ts';
import { readClientAuth, readDpop } from './client-auth.ts';
import { readApis, type ApiOptions } from './apis.ts';
import { readClientIp } from './client-ip.ts';
import { DEFAULTS, OIDC_DEFAULT_SCOPE, PRESET_PATHS, PRESET_USERNAME_FIELD } from './defaults.ts';
import { DEFAULT_POLICY } from '../policy/defaults.ts';
import { parsePolicy } from '../policy/parse.ts';
import type { Policy } from '../policy/types.ts';
import type { EdgeConfigConfig } from '../policy/types.ts';
import { isPrefixPath, overlaps, parseBool, parseChoice, parseInteger, parseUrl, redactedUrl } from './parse-values.ts';
import { readStore } from './store.ts';
import { readDiagnostics } from './diagnostics.ts';
import type { AuthConfig, BffConfig, JwtVerificationConfig, OidcConfig, PresetName, RouteConfig, SessionConfig } from './types.ts';

export type Env = Record<string, string | undefined>;

/** What only code can set (`createBff` options); the rest comes from the environment. */
export interface CodeConfig {
  routes?: Partial<RouteConfig>;
  /** Replaces BACKENDS. */
  backends?: Record<string, ApiOptions>;
}

/**
 * Reads and validates the environment (and the route prefixes set in code) once. Every problem is collected so the
 * operator fixes them in one go; each message says what to set.
 */
export function loadConfig(env: Env, code: CodeConfig = {}): BffConfig {
  const problems: string[] = [];
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };

  const backendUrl = parseUrl(read('BACKEND_URL'), 'BACKEND_URL', problems, true);
  const appUrl = parseUrl(read('APP_URL'), 'APP_URL', problems, false);
  // Without it the origin comes from the request's Host, which a client chooses: CSRF checks, redirects and the
  // X-Forwarded-Host a backend builds e-mailed links from would follow it. Vercel's own headers are trustworthy.
  if (!read('APP_URL') && env.NODE_ENV === 'production' && env.VERCEL !== '1') {
    problems.push(
      "APP_URL is not set. In production outside Vercel, set it to the app's public URL, e.g. https://app.example.com " +
        '(http://localhost:3000 on your own machine): it is the origin of CSRF checks, redirects and the host the backend is told.',
    );
  }

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

  const auth = readAuth(read, problems);
  const routes = readRoutes(code.routes, problems);
  const timeoutMs = int('BACKEND_TIMEOUT_MS', DEFAULTS.backendTimeoutMs, 100);
  const bodyLimitBytes = int('PROXY_BODY_LIMIT_BYTES', DEFAULTS.proxyBodyLimitBytes, 1);
  const config: BffConfig = {
    backendUrl: backendUrl as URL,
    apis: readApis(read, code.backends, { url: backendUrl as URL, timeoutMs, bodyLimitBytes }, routes, auth, problems),
    appUrl,
    secrets,
    auth,
    jwt: readJwt(read, problems),
    store: readStore(read, problems),
    cookie: {
      // `__Host-` (Secure, Path=/, no Domain) stops sibling subdomains from planting a session.
      name: read('SESSION_COOKIE_NAME') ?? (secure ? `__Host-${DEFAULTS.cookieName}` : DEFAULTS.cookieName),
      secure,
      chunkSize: DEFAULTS.cookieChunkSize,
      maxBytes: DEFAULTS.sessionCookieMaxBytes,
    },
    session: readSession(read, problems),
    refresh: {
      graceMs: int('REFRESH_GRACE_SECONDS', DEFAULTS.refreshGraceSeconds, 1) * 1000,
      timeoutMs: int('REFRESH_TIMEOUT_MS', DEFAULTS.refreshTimeoutMs, 100),
      callTimeoutMs: int('REFRESH_CALL_TIMEOUT_MS', DEFAULTS.refreshCallTimeoutMs, 100),
    },
    policy: readPolicy(read, problems),
    edgeConfig: readEdgeConfig(read, problems),
    clientIp: readClientIp(env, read, problems),
    rateLimitTimeoutMs: int('RATE_LIMIT_TIMEOUT_MS', DEFAULTS.rateLimitTimeoutMs, 50),
    routes,
    debug: parseBool(read('BFF_DEBUG'), 'BFF_DEBUG', false, problems),
    diagnostics: readDiagnostics(read, env.NODE_ENV, problems),
    backendTimeoutMs: timeoutMs,
    proxy: { bodyLimitBytes },
    logoutTimeoutMs: int('LOGOUT_TIMEOUT_MS', DEFAULTS.logoutTimeoutMs, 100),
    loginBodyLimitBytes: DEFAULTS.loginBodyLimitBytes,
    defaultAccessTtlMs: int('DEFAULT_ACCESS_TTL_SECONDS', DEFAULTS.defaultAccessTtlSeconds, 1) * 1000,
    defaultRefreshTtlMs: int('DEFAULT_REFRESH_TTL_SECONDS', DEFAULTS.defaultRefreshTtlSeconds, 1) * 1000,
  };

  if (config.refresh.callTimeoutMs < config.refresh.timeoutMs) {
    problems.push('REFRESH_CALL_TIMEOUT_MS must be at least REFRESH_TIMEOUT_MS: a request never waits longer than the call may run.');
  }
  if (config.session.mode === 'server' && !config.store) {
    problems.push(
      'SESSION_MODE=server keeps sessions in a store: set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN (any runtime) or REDIS_URL (Node runtime), or use SESSION_MODE=cookie.',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function readSession(read: (name: string) => string | undefined, problems: string[]): SessionConfig {
  const mode = parseChoice(read('SESSION_MODE'), 'SESSION_MODE', ['cookie', 'server'], problems) ?? DEFAULTS.sessionMode;
  const seconds = (name: string) => {
    const value = read(name);
    return value === undefined ? undefined : parseInteger(value, name, 0, 60, problems) * 1000;
  };
  return { mode, idleMs: seconds('SESSION_IDLE_SECONDS'), maxAgeMs: seconds('SESSION_MAX_AGE_SECONDS') };
}

/** Prefixes are plain absolute paths without a trailing slash, and none lies inside another. */
function readRoutes(given: Partial<RouteConfig> = {}, problems: string[]): RouteConfig {
  const routes: RouteConfig = { ...DEFAULTS.routes, ...given };
  for (const [name, path] of Object.entries(routes)) {
    if (!isPrefixPath(path)) {
      problems.push(`routes.${name} must be a path like "/api/auth" (no trailing slash, query or special characters): got "${path}".`);
    }
  }
  if (overlaps(routes.auth, routes.backend)) problems.push(`routes.auth and routes.backend must not contain each other.`);
  if (overlaps(routes.loginPage, routes.auth) || overlaps(routes.loginPage, routes.backend)) {
    problems.push(`routes.loginPage must be a page outside routes.auth and routes.backend.`);
  }
  return routes;
}

const PRESETS: readonly PresetName[] = ['envelope', 'oauth2', 'simplejwt', 'oidc'];

function readAuth(read: (name: string) => string | undefined, problems: string[]): AuthConfig {
  const preset = parseChoice(read('AUTH_PRESET'), 'AUTH_PRESET', PRESETS, problems) ?? DEFAULTS.preset;
  const defaults = PRESET_PATHS[preset];
  const path = (name: string, fallback: string | undefined) => {
    const value = read(name);
    if (value === 'none') return undefined;
    if (value !== undefined && !value.startsWith('/')) problems.push(`${name} must be a path starting with "/": got "${value}".`);
    return value ?? fallback;
  };
  return {
    preset,
    paths: {
      login: path('AUTH_LOGIN_PATH', defaults.login) ?? defaults.login,
      refresh: path('AUTH_REFRESH_PATH', defaults.refresh) ?? defaults.refresh,
      logout: path('AUTH_LOGOUT_PATH', defaults.logout),
      profile: path('AUTH_PROFILE_PATH', defaults.profile),
    },
    clientId: read('AUTH_CLIENT_ID'),
    clientSecret: read('AUTH_CLIENT_SECRET'),
    clientAuth: readClientAuth(read, problems),
    scope: read('AUTH_SCOPE') ?? (preset === 'oidc' ? OIDC_DEFAULT_SCOPE : undefined),
    usernameField: read('AUTH_USERNAME_FIELD') ?? PRESET_USERNAME_FIELD[preset],
    oidc: preset === 'oidc' ? readOidc(read, problems) : undefined,
    dpop: readDpop(read, problems, preset),
  };
}

function readOidc(read: (name: string) => string | undefined, problems: string[]): OidcConfig | undefined {
  if (!read('AUTH_CLIENT_ID') || !(read('AUTH_CLIENT_SECRET') || read('AUTH_CLIENT_PRIVATE_KEY'))) {
    problems.push('AUTH_PRESET=oidc needs AUTH_CLIENT_ID and AUTH_CLIENT_SECRET (or AUTH_CLIENT_PRIVATE_KEY): the confidential client registered at your OpenID provider.');
  }
  const issuer = parseUrl(read('OIDC_ISSUER'), 'OIDC_ISSUER', problems, false, false);
  if (!issuer) {
    if (!read('OIDC_ISSUER')) problems.push('AUTH_PRESET=oidc needs OIDC_ISSUER, e.g. https://login.example.com/realms/main.');
    return undefined;
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
  if (issuer.protocol !== 'https:' && !loopback) problems.push(`OIDC_ISSUER must use https (plain http only on a loopback host): got "${redactedUrl(String(issuer))}".`);
  return {
    issuer,
    audience: read('OIDC_AUDIENCE'),
    userinfo: parseBool(read('OIDC_USERINFO'), 'OIDC_USERINFO', true, problems),
    requireVerifiedEmail: parseBool(read('OIDC_REQUIRE_VERIFIED_EMAIL'), 'OIDC_REQUIRE_VERIFIED_EMAIL', true, problems),
    par: readPar(read('OIDC_PAR'), problems),
  };
}

function readPar(value: string | undefined, problems: string[]): OidcConfig['par'] {
  if (value === undefined || value === 'auto') return 'auto';
  if (['1', 'true'].includes(value)) return 'required';
  if (['0', 'false'].includes(value)) return 'off';
  problems.push(`OIDC_PAR must be 1 (always push, refuse without), 0 (never) or auto (when the provider publishes it): got "${value}".`);
  return 'auto';
}

/** The base runtime policy: built-in defaults, overridden by the environment where it says so. */
function readPolicy(read: (name: string) => string | undefined, problems: string[]): Policy {
  const doc: Record<string, unknown> = {};
  const list = (name: string) => read(name)?.split(',').map((p) => p.trim()).filter(Boolean);
  const paths = list('PROTECTED_PATHS');
  // Set but empty is an empty list, which parsePolicy refuses.
  if (paths) doc.protectedPaths = paths;
  const skew = read('REFRESH_SKEW_SECONDS');
  if (skew !== undefined) doc.refreshSkewSeconds = Number(skew);
  const rateLimit: Record<string, unknown> = {};
  const onError = read('RATE_LIMIT_ON_ERROR');
  if (onError !== undefined) rateLimit.onError = onError;
  for (const [name, field] of [['RATE_LIMIT_LOGIN_PER_IP', 'loginPerIp'], ['RATE_LIMIT_LOGIN_PER_IDENTIFIER', 'loginPerIdentifier']]) {
    const value = read(name);
    if (value === undefined) continue;
    const match = /^(\d+)\/(\d+)$/.exec(value);
    rateLimit[field] = match ? { limit: Number(match[1]), windowSeconds: Number(match[2]) } : value;
  }
  if (Object.keys(rateLimit).length) doc.rateLimit = rateLimit;
  const origins = list('ALLOWED_ORIGINS');
  if (origins) doc.allowedOrigins = origins;
  const parsed = parsePolicy(doc, DEFAULT_POLICY);
  if (parsed.ok) return parsed.policy;
  const names: Record<string, string> = {
    protectedPaths: 'PROTECTED_PATHS',
    refreshSkewSeconds: 'REFRESH_SKEW_SECONDS',
    'rateLimit.onError': 'RATE_LIMIT_ON_ERROR',
    'rateLimit.loginPerIp': 'RATE_LIMIT_LOGIN_PER_IP (as "<limit>/<window seconds>", e.g. 10/60)',
    'rateLimit.loginPerIdentifier': 'RATE_LIMIT_LOGIN_PER_IDENTIFIER (as "<limit>/<window seconds>", e.g. 5/900)',
    allowedOrigins: 'ALLOWED_ORIGINS',
  };
  for (const error of parsed.errors) {
    const field = Object.keys(names).find((f) => error.startsWith(f));
    problems.push(field ? `${names[field]}: ${error.slice(field.length).trim()}.` : error);
  }
  return DEFAULT_POLICY;
}

function readEdgeConfig(read: (name: string) => string | undefined, problems: string[]): EdgeConfigConfig | undefined {
  const connectionString = read('EDGE_CONFIG');
  if (!connectionString) return undefined;
  try {
    const url = new URL(connectionString);
    if (!url.searchParams.get('token') && !url.protocol.startsWith('edge-config')) throw new Error('no token');
  } catch {
    problems.push('EDGE_CONFIG must be an Edge Config connection string, e.g. https://edge-config.vercel.com/ecfg_…?token=….');
  }
  const int = (name: string, fallback: number, min: number) => parseInteger(read(name), name, fallback, min, problems);
  return {
    connectionString,
    key: read('EDGE_CONFIG_KEY') ?? DEFAULTS.edgeConfigKey,
    ttlMs: int('POLICY_TTL_SECONDS', DEFAULTS.policyTtlSeconds, 1) * 1000,
    timeoutMs: DEFAULTS.edgeConfigTimeoutMs,
  };
}

function readJwt(read: (name: string) => string | undefined, problems: string[]): JwtVerificationConfig | undefined {
  const jwksUrl = parseUrl(read('AUTH_JWKS_URL'), 'AUTH_JWKS_URL', problems, false, false);
  const secret = read('AUTH_JWT_SECRET');
  if (jwksUrl && secret) problems.push('Set either AUTH_JWKS_URL or AUTH_JWT_SECRET, not both.');
  if (!jwksUrl && !secret) return undefined;
  return { jwksUrl, secret, issuer: read('AUTH_JWT_ISSUER'), audience: read('AUTH_JWT_AUDIENCE') };
}
