/**
 * `next-edge-bff doctor`: what would go wrong before a browser finds out. Node only (it reads the build output).
 * Checks the configuration as the app will load it, probes the backend's login with an account that cannot exist
 * (the answer must be the preset's "wrong credentials"), and warns about settings that fail in a browser.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { REFUSED_CREDENTIALS } from '../auth/refused-credentials.ts';
import { authEndpointPath } from '../auth/endpoints.ts';
import { adapterFor } from '../backend/adapter-for.ts';
import { clientAuthentication, type ClientAuthentication } from '../client-auth/authenticate.ts';
import { dpopSigner } from '../dpop/signer.ts';
import { backendCallUrl, callBackend } from '../backend/call.ts';
import { loadConfig, type Env } from '../config/load.ts';
import type { BffConfig } from '../config/types.ts';
import { BffError, ConfigError } from '../errors.ts';
import { discovery } from '../oidc/discovery.ts';
import { exposedDirectly } from '../ratelimit/client-ip.ts';
import { dropsSecureCookies } from '../request/secure-transport.ts';

export interface Finding {
  level: 'ok' | 'warn' | 'error';
  message: string;
}

export interface DoctorOptions {
  /** The app's directory (its `.next` build output is read for the matcher). */
  dir?: string;
  fetch?: typeof fetch;
}

export async function diagnose(given: Env, options: DoctorOptions = {}): Promise<Finding[]> {
  const workers = cloudflareWorkers(given, options.dir ?? '.');
  const env = workers?.env ?? given;
  let config: BffConfig;
  let client: ClientAuthentication;
  try {
    config = loadConfig(env);
    client = await clientAuthentication(config.auth, Date.now);
    // Keys are imported as the runtime would at start-up: one that does not import is an error now.
    if (config.auth.dpop) await dpopSigner(config.auth.dpop, Date.now);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((message) => ({ level: 'error', message }));
    throw error;
  }
  const findings: Finding[] = [
    ...(workers ? [workers.finding] : []),
    { level: 'ok', message: `Configuration loads: preset ${config.auth.preset}, sessions in the ${config.session.mode === 'server' ? 'store' : 'cookie'}${config.store ? `, store ${config.store.kind}` : ', no store'}.` },
  ];
  findings.push(...browserWarnings(config, env));
  findings.push(...startScriptCheck(config, options.dir ?? '.'));
  findings.push(await backendProbe(config, client, options.fetch ?? fetch));
  findings.push(...matcherCheck(config, options.dir ?? '.'));
  return findings;
}

const WRANGLER_CONFIGS = ['wrangler.jsonc', 'wrangler.json', 'wrangler.toml'];

/**
 * An app deployed to Cloudflare Workers (a wrangler configuration beside it) reads no .env file there: its local
 * variables are in .dev.vars (they win, as in `wrangler dev`), production ones are wrangler secrets. Cloudflare writes
 * the client's address (CF-Connecting-IP), which the runtime detects: checked as such.
 */
function cloudflareWorkers(env: Env, dir: string): { env: Env; finding: Finding } | undefined {
  const wrangler = WRANGLER_CONFIGS.find((name) => existsSync(join(dir, name)));
  if (!wrangler) return undefined;
  const devVars = join(dir, '.dev.vars');
  const local = existsSync(devVars);
  return {
    env: { CLIENT_IP_HEADER: 'cf-connecting-ip', ...env, ...(local ? parseEnv(readFileSync(devVars, 'utf8')) : {}) },
    finding: { level: 'ok', message: `Cloudflare Workers (${wrangler}): ${local ? '.dev.vars read over the environment' : 'no .dev.vars'}; production variables are wrangler secrets, which this cannot see.` },
  };
}

function browserWarnings(config: BffConfig, env: Env): Finding[] {
  const out: Finding[] = [];
  const url = config.appUrl;
  if (url && dropsSecureCookies(config.cookie, url.protocol.slice(0, -1), url.host)) {
    // Sign-in would silently do nothing: an error, so the exit code says so.
    out.push({
      level: 'error',
      message: `APP_URL is plain http on ${url.hostname}: browsers drop the Secure session cookie there, so sign-in would do nothing. Serve it over https, or set COOKIE_SECURE=false for a trial.`,
    });
  }
  if (exposedDirectly(config.clientIp) && env.NODE_ENV === 'production') {
    out.push({ level: 'warn', message: 'TRUSTED_PROXY_COUNT=0 outside Vercel: start with `npx next-edge-bff start` when directly exposed, or set TRUSTED_PROXY_COUNT to the number of proxies in front.' });
  }
  return out;
}

/**
 * Plain `next start` trusts any X-Forwarded-For a client sends, so without a trusted proxy count the per-network
 * login limit is forgeable; `next-edge-bff start` takes the address from the connection.
 */
function startScriptCheck(config: BffConfig, dir: string): Finding[] {
  let start: unknown;
  try {
    start = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> }).scripts?.start;
  } catch {
    return [];
  }
  if (typeof start !== 'string' || !/(^|[\s;&|])next start\b/.test(start) || !exposedDirectly(config.clientIp)) return [];
  return [
    {
      level: 'warn',
      message: `package.json starts the app with plain \`next start\` and TRUSTED_PROXY_COUNT is 0: a client can send any X-Forwarded-For and escape the per-network login limit. Use "start": "next-edge-bff start", or set TRUSTED_PROXY_COUNT to the number of proxies in front.`,
    },
  ];
}

/** Signs in as nobody@example.invalid: a backend speaking the preset's contract answers "wrong credentials". */
async function backendProbe(config: BffConfig, client: ClientAuthentication, fetchImpl: typeof fetch): Promise<Finding> {
  const found = config.auth.oidc
    ? discovery(config.auth.oidc.issuer, { fetch: fetchImpl, now: Date.now, ttlMs: 0, timeoutMs: config.backendTimeoutMs })
    : undefined;
  if (found) {
    try {
      const metadata = await found.metadata();
      return { level: 'ok', message: `The OpenID provider answers discovery (${metadata.issuer}).` };
    } catch {
      return { level: 'error', message: `The OpenID provider's discovery at ${config.auth.oidc!.issuer.origin} cannot be read: check OIDC_ISSUER.` };
    }
  }
  const adapter = adapterFor(config.auth, { backendUrl: config.backendUrl, client });
  if (!adapter.login || !adapter.parseLogin) return { level: 'ok', message: 'This preset has no password sign-in to probe.' };
  const call = await adapter.login({ email: 'next-edge-bff-doctor@example.invalid', password: crypto.randomUUID() });
  const where = backendCallUrl(config.backendUrl, call).toString();
  let reply;
  try {
    reply = await callBackend(config.backendUrl, call, config.backendTimeoutMs, fetchImpl);
  } catch (error) {
    const code = error instanceof BffError ? error.code : 'backend_unreachable';
    return { level: 'error', message: `The backend's login (${where}) cannot be reached (${code}): check BACKEND_URL and that the API is running.` };
  }
  const parsed = adapter.parseLogin(reply);
  if (parsed.ok) return { level: 'error', message: `The backend's login (${where}) accepted a made-up account: it is not checking credentials.` };
  // A refusal the contract describes: a client error about the credentials, not a missing endpoint or a wrong method.
  if (REFUSED_CREDENTIALS.has(parsed.error.code) && [400, 401, 403, 422].includes(reply.status)) {
    return { level: 'ok', message: `The backend's login (${where}) refuses a made-up account the way AUTH_PRESET=${config.auth.preset} expects (HTTP ${reply.status}).` };
  }
  return {
    level: 'error',
    message:
      `The backend's login (${where}) answered HTTP ${reply.status}, which is not how AUTH_PRESET=${config.auth.preset} refuses credentials` +
      `${reply.status === 404 ? ' (no such endpoint)' : ''}: check AUTH_PRESET and AUTH_LOGIN_PATH against your API.`,
  };
}

/** The middleware's matcher, as the build compiled it, must cover the auth routes, every API and a protected page. */
function matcherCheck(config: BffConfig, dir: string): Finding[] {
  const matchers = builtMatchers(dir);
  if (!matchers) return [{ level: 'warn', message: 'No build found (.next): run `next build`, then `next-edge-bff doctor` again to check the middleware matcher.' }];
  if (matchers.length === 0) return [{ level: 'error', message: 'The build has no middleware.ts or proxy.ts: nothing runs the BFF on requests.' }];
  const paths = [authEndpointPath(config.routes, 'session'), ...config.apis.map((api) => `${api.prefix}/x`), ...config.policy.protectedPaths.slice(0, 1)];
  const missed = paths.filter((path) => !matchers.some((m) => m.test(path)));
  if (missed.length === 0) return [{ level: 'ok', message: `The middleware's matcher covers ${paths.join(', ')}.` }];
  return [{ level: 'error', message: `The middleware's matcher misses ${missed.join(', ')}: those requests would bypass the BFF. Use the matcher from the README.` }];
}

function builtMatchers(dir: string): RegExp[] | undefined {
  const read = (file: string) => {
    try {
      return JSON.parse(readFileSync(join(dir, '.next', 'server', file), 'utf8'));
    } catch {
      return undefined;
    }
  };
  const edge = read('middleware-manifest.json');
  const node = read('functions-config-manifest.json');
  if (!edge && !node) return undefined;
  const entries: { regexp: string }[] = [...(edge?.middleware?.['/']?.matchers ?? []), ...(node?.functions?.['/_middleware']?.matchers ?? [])];
  return entries.map((m) => new RegExp(m.regexp));
}

