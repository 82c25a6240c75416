import { describe, expect, it } from 'vitest';
import { handle } from '@/edge/handle';
import { ConfigError } from '@/edge/errors';
import { sealSession } from '@/edge/session/codec';
import { MemoryStore } from '../helpers/memory-store';
import { fakeFetch, request, runtime, session, testConfig } from '../helpers/unit';

const OAUTH2 = { AUTH_PRESET: 'oauth2', AUTH_CLIENT_ID: 'bff', AUTH_CLIENT_SECRET: 'bff-secret' };

function problems(env: Record<string, string>, backends?: NonNullable<Parameters<typeof testConfig>[1]>['backends']): string[] {
  try {
    testConfig(env, { backends });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('BACKENDS: several APIs, validated at start-up', () => {
  it('BACKEND_URL stays the API named backend under /api/backend with the user token; each entry gets /api/<name> and the defaults', () => {
    const config = testConfig({ BACKENDS: JSON.stringify({ files: { url: 'https://files.test/v1', token: 'user-or-none' } }), BACKEND_TIMEOUT_MS: '4000' });
    expect(config.apis.map((a) => [a.name, a.prefix, a.token, a.url.href, a.timeoutMs])).toEqual([
      ['backend', '/api/backend', 'user', 'http://backend.test/api', 4000],
      ['files', '/api/files', 'user-or-none', 'https://files.test/v1', 4000],
    ]);
  });

  it('createBff({ backends }) replaces BACKENDS', () => {
    const config = testConfig({ BACKENDS: '{"a": {"url": "https://a.test", "token": "none"}}' }, { backends: { b: { url: 'https://b.test', token: 'none', prefix: '/public/b' } } });
    expect(config.apis.map((a) => a.prefix)).toEqual(['/api/backend', '/public/b']);
  });

  it.each([
    ['not JSON', 'nope', /BACKENDS must be JSON/],
    ['a reserved name', '{"auth": {"url": "https://a.test", "token": "none"}}', /BACKENDS\.auth: names are/],
    ['a prefix inside the default API', '{"x": {"url": "https://a.test", "token": "none", "prefix": "/api/backend/x"}}', /overlaps "\/api\/backend"/],
    ['two APIs on one prefix', '{"x": {"url": "https://a.test", "token": "none", "prefix": "/api/p"}, "y": {"url": "https://b.test", "token": "none", "prefix": "/api/p"}}', /BACKENDS\.y\.prefix "\/api\/p" overlaps "\/api\/p"/],
    ['a prefix around the auth routes', '{"x": {"url": "https://a.test", "token": "none", "prefix": "/api"}}', /overlaps/],
    ['no policy', '{"x": {"url": "https://a.test"}}', /BACKENDS\.x\.token must be one of .* got "\(none\)"/],
    ['an unknown policy', '{"x": {"url": "https://a.test", "token": "bearer"}}', /BACKENDS\.x\.token must be one of user, user-or-none, client, user-or-client, none/],
    ['a misspelt setting', '{"x": {"url": "https://a.test", "token": "none", "tokenURL": "https://t.test"}}', /BACKENDS\.x\.tokenURL is not a setting/],
    ['a URL with credentials', '{"x": {"url": "https://u:p@a.test", "token": "none"}}', /BACKENDS\.x\.url must be a plain http\(s\) URL/],
    ['client settings on a user API', '{"x": {"url": "https://a.test", "token": "user", "tokenUrl": "https://t.test/token"}}', /are for client tokens/],
    ['a token per API without an OAuth 2 server (envelope preset)', '{"x": {"url": "https://a.test", "token": "user", "resource": "urn:x"}}', /needs AUTH_PRESET=oauth2 or oidc/],
    ['a resource on an API that gets no token', '{"x": {"url": "https://a.test", "token": "none", "scope": "read"}}', /"none" sends none/],
    ['a client token without a token endpoint (envelope preset)', '{"x": {"url": "https://a.test", "token": "client", "clientId": "c", "clientSecret": "s"}}', /set tokenUrl \(AUTH_PRESET=envelope has no token endpoint\)/],
    ['a client id without its secret', '{"x": {"url": "https://a.test", "token": "client", "tokenUrl": "https://t.test/token", "clientId": "c"}}', /clientId and clientSecret together/],
    ['a client token without any client', '{"x": {"url": "https://a.test", "token": "client", "tokenUrl": "https://t.test/token"}}', /or AUTH_CLIENT_ID/],
  ])('refuses %s, naming the setting', (_, value, message) => {
    expect(problems({ BACKENDS: value }).join('\n')).toMatch(message);
  });

  it('a client API of the oauth2 preset needs nothing more than AUTH_CLIENT_*', () => {
    expect(problems({ ...OAUTH2, BACKENDS: '{"partner": {"url": "https://p.test", "token": "client", "scope": "read"}}' })).toEqual([]);
  });
});

/** A fake network: the oauth2 token endpoint on backend.test, and three APIs that echo what they received. */
function network(tokenTtl = 300) {
  let issued = 0;
  return fakeFetch(async (url, init) => {
    if (url.pathname === '/api/oauth/token') {
      const form = new URLSearchParams(String(init.body));
      return Response.json({ access_token: `client-${++issued}:${form.get('grant_type')}:${form.get('resource')}:${form.get('scope')}`, token_type: 'Bearer', expires_in: tokenTtl });
    }
    return Response.json({ host: url.host, path: url.pathname, authorization: new Headers(init.headers).get('authorization') });
  });
}

const BACKENDS = {
  files: { url: 'http://files.test/v1', token: 'user' },
  catalogue: { url: 'http://catalogue.test', token: 'user-or-none' },
  public: { url: 'http://public.test', token: 'none' },
  partner: { url: 'http://partner.test', token: 'client', resource: 'urn:partner', scope: 'read' },
  either: { url: 'http://either.test', token: 'user-or-client' },
} as const;

async function app(net = network(), store?: MemoryStore) {
  const rt = await runtime({ env: OAUTH2, backends: BACKENDS, fetch: net.fetch, store });
  const cookie = `${rt.config.cookie.name}=${await sealSession(session(), rt.keyring)}`;
  const call = async (path: string, signedIn: boolean, method = 'GET') => {
    const res = await handle(request(path, { method, headers: { ...(signedIn ? { cookie } : {}), origin: 'http://localhost:3000' } }), rt);
    return { status: res.status, body: res.status === 200 ? ((await res.json()) as { host: string; path: string; authorization: string | null }) : await res.json() };
  };
  return { rt, call, net };
}

const apiCalls = (net: ReturnType<typeof network>) => net.calls.filter((c) => c.url.pathname !== '/api/oauth/token');
const tokenCalls = (net: ReturnType<typeof network>) => net.calls.filter((c) => c.url.pathname === '/api/oauth/token');

describe('token policies per API', () => {
  it('user: the signed-in user token under its own prefix; signed out 401 without calling the API', async () => {
    const { call, net } = await app();
    expect((await call('/api/files/a/b', true)).body).toEqual({ host: 'files.test', path: '/v1/a/b', authorization: 'Bearer access-1' });
    expect((await call('/api/files/a/b', false)).status).toBe(401);
    expect(apiCalls(net)).toHaveLength(1);
  });

  it('user-or-none: the user token when signed in, no Authorization at all when signed out', async () => {
    const { call } = await app();
    expect((await call('/api/catalogue/items', true)).body.authorization).toBe('Bearer access-1');
    expect((await call('/api/catalogue/items', false)).body.authorization).toBeNull();
  });

  it('none: never a token, even for a signed-in user', async () => {
    const { call } = await app();
    expect((await call('/api/public/x', true)).body.authorization).toBeNull();
    expect((await call('/api/public/x', false)).body.authorization).toBeNull();
  });

  it('client: the BFF’s own client-credentials token (resource and scope as configured), never the user’s, fetched once for a burst', async () => {
    const { call, net } = await app();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call('/api/partner/orders', i % 2 === 0)));
    expect(new Set(answers.map((a) => a.body.authorization))).toEqual(new Set(['Bearer client-1:client_credentials:urn:partner:read']));
    expect(tokenCalls(net)).toHaveLength(1);
    const sent = new Headers(tokenCalls(net)[0].init.headers);
    expect(sent.get('authorization')).toBe(`Basic ${btoa('bff:bff-secret')}`);
  });

  it('user-or-client: the user token when signed in, the client token when not', async () => {
    const { call } = await app();
    expect((await call('/api/either/x', true)).body.authorization).toBe('Bearer access-1');
    expect((await call('/api/either/x', false)).body.authorization).toMatch(/^Bearer client-\d+:client_credentials:null:null$/);
  });

  it('a client token is fetched again shortly before it expires, not before', async () => {
    let t = Date.now();
    const net = network(120);
    const rt = await runtime({ env: OAUTH2, backends: BACKENDS, fetch: net.fetch, now: () => t });
    const call = () => handle(request('/api/partner/x'), rt);
    await call();
    t += 60_000;
    await call();
    expect(tokenCalls(net)).toHaveLength(1);
    t += 35_000; // inside the last quarter of its 120 s lifetime
    await call();
    expect(tokenCalls(net)).toHaveLength(2);
  });

  it('two instances sharing a store fetch one client token between them; a store that fails only costs a fetch of its own', async () => {
    const net = network();
    const store = new MemoryStore();
    const [a, b] = await Promise.all([app(net, store), app(net, store)]);
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).call('/api/partner/x', false)));
    expect(tokenCalls(net)).toHaveLength(1);
    // The token is kept encrypted: the store never holds it in clear.
    expect([...store.data.values()].map((e) => e.value).join(' ')).not.toContain('client-1');
    const c = await app(net, store);
    store.failing = true;
    expect((await c.call('/api/partner/x', false)).status).toBe(200);
    expect(tokenCalls(net)).toHaveLength(2);
  });

  it('a token endpoint that fails answers 503 with Retry-After (the API is not called); one that refuses the client answers 502', async () => {
    for (const [reply, status] of [
      [() => new Response('busy', { status: 503 }), 503],
      [() => Response.json({ error: 'invalid_client' }, { status: 401 }), 502],
    ] as const) {
      const net = fakeFetch((url) => (url.pathname === '/api/oauth/token' ? reply() : Response.json({})));
      const { call } = await app(net as ReturnType<typeof network>);
      const res = await call('/api/partner/x', false);
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ error: 'client_token_unavailable' });
      expect(net.calls.filter((c) => c.url.host === 'partner.test')).toHaveLength(0);
    }
  });

  it('a cross-site POST is refused before any token is attached, whatever the policy', async () => {
    const { rt, net } = await app();
    for (const path of ['/api/partner/x', '/api/files/x', '/api/public/x']) {
      const res = await handle(request(path, { method: 'POST', headers: { origin: 'https://evil.test', cookie: `${rt.config.cookie.name}=${await sealSession(session(), rt.keyring)}` } }), rt);
      expect(res.status).toBe(403);
    }
    expect(net.calls).toHaveLength(0);
  });

  it('a server-mode store that cannot say who is signed in: APIs that never send a user token still answer, the others 503', async () => {
    const store = new MemoryStore();
    const rt = await runtime({ env: { ...OAUTH2, SESSION_MODE: 'server', UPSTASH_REDIS_REST_URL: 'http://upstash.test', UPSTASH_REDIS_REST_TOKEN: 't' }, backends: BACKENDS, fetch: network().fetch, store });
    store.failing = true;
    const cookie = `${rt.config.cookie.name}=${'a'.repeat(22)}.${'b'.repeat(43)}`;
    const status = async (path: string) => (await handle(request(path, { headers: { cookie } }), rt)).status;
    expect(await status('/api/public/x')).toBe(200);
    expect(await status('/api/partner/x')).toBe(200);
    expect(await status('/api/catalogue/x')).toBe(503);
    expect(await status('/api/files/x')).toBe(503);
  });

  it('each API has its own deadline and body limit', async () => {
    const net = fakeFetch((_, init) => new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason))));
    const rt = await runtime({ env: OAUTH2, backends: { slow: { url: 'http://slow.test', token: 'none', timeoutMs: 150, bodyLimitBytes: 4 } }, fetch: net.fetch });
    expect((await handle(request('/api/slow/x'), rt)).status).toBe(504);
    const big = await handle(request('/api/slow/x', { method: 'POST', body: '12345', headers: { origin: 'http://localhost:3000', 'content-type': 'text/plain' } }), rt);
    expect(big.status).toBe(413);
  });
});

