import { NextRequest } from 'next/server';
import { adapterFor } from '@/edge/backend/adapter-for';
import type { AdapterContext, BackendAdapter } from '@/edge/backend/types';
import { clientAuthentication } from '@/edge/client-auth/authenticate';
import { loadConfig, type CodeConfig } from '@/edge/config/load';
import type { BffConfig } from '@/edge/config/types';
import { createRuntime, type BffRuntime, type RuntimeOptions } from '@/edge/runtime';
import type { Session } from '@/edge/session/types';

export const SECRET = 'unit-test-secret-0123456789abcdefghijklmnop';
/** The default REFRESH_SKEW_SECONDS, in ms, as handle passes it to the refresher. */
export const SKEW = 30_000;

export function testConfig(env: Record<string, string> = {}, code: CodeConfig = {}): BffConfig {
  return loadConfig({ BACKEND_URL: 'http://backend.test/api', SESSION_SECRET: SECRET, NODE_ENV: 'production', APP_URL: 'http://localhost:3000', ...env }, code);
}

/** What an adapter factory gets, for a config as the runtime builds it. */
export async function adapterContext(config: BffConfig): Promise<AdapterContext> {
  return { backendUrl: config.backendUrl, client: await clientAuthentication(config.auth, Date.now) };
}

/** The configured preset's adapter, as the runtime builds it. */
export async function testAdapter(config: BffConfig): Promise<BackendAdapter> {
  return adapterFor(config.auth, await adapterContext(config));
}

export function session(overrides: Partial<Session> = {}): Session {
  const now = Date.now();
  return {
    accessToken: 'access-1',
    refreshToken: 'refresh-1',
    accessExpiresAt: now + 3600_000,
    refreshExpiresAt: now + 7 * 24 * 3600_000,
    user: { id: '1', email: 'demo@example.com', name: 'Demo' },
    ...overrides,
  };
}

/** A fake backend for unit tests: a fetch that records calls and answers with `reply`. */
export function fakeFetch(reply: (url: URL, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: URL; init: RequestInit }[] = [];
  const fn = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    calls.push({ url, init });
    return reply(url, init);
  }) as typeof fetch;
  return { fetch: fn, calls };
}

export function envelopeGrant(token = 'access-2', refresh = 'refresh-2', ttlMs = 3600_000) {
  return Response.json({
    data: {
      token,
      token_expires_at: new Date(Date.now() + ttlMs).toISOString(),
      refresh_token: refresh,
      refresh_token_expires_at: new Date(Date.now() + 7 * 24 * 3600_000).toISOString(),
      user: { id: 1, email: 'demo@example.com', name: 'Demo' },
    },
  });
}

/** A runtime on the test config; `options` are the app's options in code (hooks, mapUser, adapter, routes). */
export async function runtime(options: Omit<RuntimeOptions, 'config' | 'env'> & { env?: Record<string, string> } = {}): Promise<BffRuntime> {
  const { env, routes, backends, ...rest } = options;
  return createRuntime({ ...rest, config: testConfig(env, { routes, backends }), fetch: options.fetch ?? fakeFetch(() => new Response(null, { status: 599 })).fetch });
}

export function request(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): NextRequest {
  return new NextRequest(`http://localhost:3000${path}`, init);
}
