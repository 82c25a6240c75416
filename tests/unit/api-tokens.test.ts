import { describe, expect, it } from 'vitest';
import { handle } from '@/edge/handle';
import type { BffRuntime } from '@/edge/runtime';
import { sealSession } from '@/edge/session/codec';
import { MemoryStore } from '../helpers/memory-store';
import { fakeFetch, request, runtime, session } from '../helpers/unit';

const OAUTH2 = { AUTH_PRESET: 'oauth2', AUTH_CLIENT_ID: 'bff', AUTH_CLIENT_SECRET: 'bff-secret' };
const BACKENDS = {
  files: { url: 'http://files.test', token: 'user', resource: 'urn:files' },
  search: { url: 'http://search.test', token: 'user-or-none', resource: 'urn:search', scope: 'search:read' },
} as const;

/**
 * An OAuth 2 server with resource indicators (RFC 8707): a refresh grant with `resource` mints a token for that API,
 * without one a token for BACKEND_URL; refresh tokens rotate (or not) and a spent one is refused with invalid_grant.
 * The APIs answer 200 with the audience of a live token, 401 otherwise.
 */
function oauthServer(clock: () => number, options: { rotate?: boolean; refuse?: string; refuseWith?: string; delayMs?: number } = {}) {
  const { rotate = true } = options;
  const spent = new Set<string>();
  const redeemed: string[] = [];
  const live = new Map<string, { aud: string; exp: number }>([['main-0', { aud: 'main', exp: clock() + 60_000 }]]);
  let n = 0;
  const net = fakeFetch(async (url, init) => {
    if (url.pathname === '/api/oauth/token') {
      const form = new URLSearchParams(String(init.body));
      const token = form.get('refresh_token')!;
      redeemed.push(token);
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      if (rotate && spent.has(token)) return Response.json({ error: 'invalid_grant' }, { status: 400 });
      const aud = form.get('resource') ?? 'main';
      if (aud === options.refuse) return Response.json({ error: options.refuseWith ?? 'invalid_target' }, { status: 400 });
      if (rotate) spent.add(token);
      const access = `${aud}-${++n}`;
      live.set(access, { aud, exp: clock() + 60_000 });
      return Response.json({ access_token: access, token_type: 'Bearer', expires_in: 60, scope: form.get('scope') ?? undefined, ...(rotate ? { refresh_token: `rt-${n}` } : {}) });
    }
    const bearer = new Headers(init.headers).get('authorization')?.replace(/^Bearer /, '');
    const held = bearer ? live.get(bearer) : undefined;
    const ok = !!held && held.exp > clock();
    return Response.json({ host: url.host, aud: ok ? held.aud : null }, { status: ok || !bearer ? 200 : 401 });
  });
  return { ...net, redeemed, redeemedTwice: () => redeemed.length - new Set(redeemed).size };
}

async function cookieOf(rt: BffRuntime, overrides: Parameters<typeof session>[0] = {}) {
  return `${rt.config.cookie.name}=${await sealSession(session({ accessToken: 'main-0', refreshToken: 'rt-0', ...overrides }), rt.keyring)}`;
}

/** A call through the middleware; the browser's cookie afterwards (the new one when the response set it). */
async function call(rt: BffRuntime, path: string, cookie: string) {
  const res = await handle(request(path, { headers: { cookie } }), rt);
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${rt.config.cookie.name}=`));
  const body = (await res.json()) as { aud?: string | null; error?: string };
  return { status: res.status, aud: body.aud, error: body.error, cookie: set ? set.split(';')[0] : cookie };
}

describe('a token of its own for each API (RFC 8707), minted from the refresh token', () => {
  it("an API with a resource gets its own token; BACKEND_URL keeps the session's; the rotated refresh token is in the new cookie", async () => {
    const server = oauthServer(Date.now);
    const rt = await runtime({ env: OAUTH2, backends: BACKENDS, fetch: server.fetch });
    const first = await call(rt, '/api/files/reports', await cookieOf(rt));
    expect(first).toMatchObject({ status: 200, aud: 'urn:files' });
    expect(server.redeemed).toEqual(['rt-0']);
    // The new cookie holds the files token and the rotated refresh token: no redemption until it is due.
    const again = await call(rt, '/api/files/reports', first.cookie);
    expect(again).toMatchObject({ status: 200, aud: 'urn:files' });
    expect((await call(rt, '/api/backend/notes', again.cookie)).aud).toBe('main');
    expect(server.redeemed).toEqual(['rt-0']);
    // The next API is minted from the rotated token, never from the spent one.
    expect(await call(rt, '/api/search/q', again.cookie)).toMatchObject({ status: 200, aud: 'urn:search' });
    expect(server.redeemed).toEqual(['rt-0', 'rt-1']);
  });

  it('a session whose own token is due and an API call: one chain renews both, each refresh token redeemed once', async () => {
    const server = oauthServer(Date.now);
    const rt = await runtime({ env: OAUTH2, backends: BACKENDS, fetch: server.fetch });
    const res = await call(rt, '/api/files/x', await cookieOf(rt, { accessExpiresAt: Date.now() - 1 }));
    expect(res).toMatchObject({ status: 200, aud: 'urn:files' });
    expect(server.redeemed).toEqual(['rt-0', 'rt-1']);
    expect((await call(rt, '/api/backend/x', res.cookie)).aud).toBe('main');
    expect(server.redeemed).toHaveLength(2);
  });

  it('a burst at expiry on two APIs at once, over two instances sharing a store: every refresh token redeemed once, nobody signed out', async () => {
    const server = oauthServer(Date.now, { delayMs: 20 });
    const store = new MemoryStore();
    const [a, b] = await Promise.all([0, 1].map(() => runtime({ env: OAUTH2, backends: BACKENDS, fetch: server.fetch, store })));
    const cookie = await cookieOf(a, { accessExpiresAt: Date.now() - 1 });
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => call(i % 2 ? a : b, i % 3 ? '/api/files/x' : '/api/search/x', cookie)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(24).fill(200));
    results.forEach((r, i) => expect(r.aud).toBe(i % 3 ? 'urn:files' : 'urn:search'));
    expect(server.redeemedTwice()).toBe(0);
  });

  it('a backend that does not rotate: each API gets its token from the same refresh token, one after the other', async () => {
    const server = oauthServer(Date.now, { rotate: false });
    const rt = await runtime({ env: OAUTH2, backends: BACKENDS, fetch: server.fetch, store: new MemoryStore() });
    const files = await call(rt, '/api/files/x', await cookieOf(rt));
    const search = await call(rt, '/api/search/x', files.cookie);
    expect([files.aud, search.aud]).toEqual(['urn:files', 'urn:search']);
    expect((await call(rt, '/api/files/x', search.cookie)).aud).toBe('urn:files');
    expect(server.redeemed).toEqual(['rt-0', 'rt-0']);
  });

  it.each(['invalid_target', 'invalid_grant'])('a provider that refuses an API its resource (%s): that API answers 503, the session and the other APIs go on', async (refuseWith) => {
    const server = oauthServer(Date.now, { refuse: 'urn:search', refuseWith });
    const rt = await runtime({ env: OAUTH2, backends: BACKENDS, fetch: server.fetch });
    const cookie = await cookieOf(rt);
    const refused = await call(rt, '/api/search/x', cookie);
    expect(refused).toMatchObject({ status: 503, error: 'refresh_unavailable', cookie });
    expect(await call(rt, '/api/files/x', cookie)).toMatchObject({ status: 200, aud: 'urn:files' });
    expect((await call(rt, '/api/backend/x', cookie)).aud).toBe('main');
  });

  it('in cookie mode, tokens for many APIs never outgrow the cookie: a session too large keeps the token of the API called', async () => {
    const many = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`api${i}`, { url: `http://api${i}.test`, token: 'user' as const, resource: `urn:api${i}` }]));
    let n = 0;
    const big = fakeFetch((url, init) => {
      if (url.pathname !== '/api/oauth/token') return Response.json({ auth: new Headers(init.headers).get('authorization')?.slice(0, 20) });
      const aud = new URLSearchParams(String(init.body)).get('resource');
      return Response.json({ access_token: `${aud}:${++n}:${'x'.repeat(3_000)}`, expires_in: 60, refresh_token: `rt-${n}` });
    });
    const rt = await runtime({ env: OAUTH2, backends: many, fetch: big.fetch });
    let cookie = await cookieOf(rt);
    for (let i = 0; i < 6; i++) {
      const res = await handle(request(`/api/api${i}/x`, { headers: { cookie } }), rt);
      expect(res.status, `api${i}`).toBe(200);
      expect(await res.json()).toEqual({ auth: `Bearer urn:api${i}:${i + 1}:xxx`.slice(0, 20) });
      const set = res.headers.getSetCookie().filter((c) => c.startsWith(rt.config.cookie.name));
      expect(set.join('').length).toBeLessThanOrEqual(12 * 1024);
      cookie = set.map((c) => c.split(';')[0]).join('; ');
    }
  });

  it('signed out: a user API with a resource answers 401 and nothing is redeemed; user-or-none is called without a token', async () => {
    const server = oauthServer(Date.now);
    const rt = await runtime({ env: OAUTH2, backends: BACKENDS, fetch: server.fetch });
    expect((await handle(request('/api/files/x'), rt)).status).toBe(401);
    expect(await (await handle(request('/api/search/x'), rt)).json()).toEqual({ host: 'search.test', aud: null });
    expect(server.redeemed).toEqual([]);
  });
});
