import { base64url, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { authRoute } from '@/edge/auth/routes';
import { recentlyAuthenticated } from '@/edge/server/step-up';
import { openSession } from '@/edge/session/codec';
import { sealTransaction } from '@/edge/oidc/transaction';
import type { BffRuntime } from '@/edge/runtime';
import type { Session } from '@/edge/session/types';
import { fakeFetch, request, runtime, session, SKEW } from '../helpers/unit';

const ISSUER = 'https://op.test';
const CLIENT = 'bff-app';
const env = { AUTH_PRESET: 'oidc', OIDC_ISSUER: ISSUER, AUTH_CLIENT_ID: CLIENT, AUTH_CLIENT_SECRET: 'client-secret', OIDC_USERINFO: '0' };

let keys: { privateKey: CryptoKey; jwk: Record<string, unknown> };
let otherKey: CryptoKey;
beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  keys = { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' } };
  otherKey = (await generateKeyPair('RS256')).privateKey;
});

const sign = (claims: JWTPayload, options: { key?: CryptoKey; typ?: string } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', ...(options.typ ? { typ: options.typ } : {}) })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(options.key ?? keys.privateKey);

async function atHash(token: string) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
  return base64url.encode(digest.slice(0, 16));
}

/** A fake provider: discovery, keys, and a token endpoint answering with `idToken`. */
function provider(idToken: () => Promise<string>) {
  return fakeFetch(async (url) => {
    if (url.pathname === '/.well-known/openid-configuration') {
      return Response.json({ issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/jwks` });
    }
    if (url.pathname === '/jwks') return Response.json({ keys: [keys.jwk] });
    if (url.pathname === '/token') {
      return Response.json({ access_token: 'access-1', token_type: 'Bearer', expires_in: 300, refresh_token: 'refresh-1', id_token: await idToken() });
    }
    return new Response(null, { status: 404 });
  });
}

async function callback(rt: BffRuntime, nonce = 'nonce-1') {
  const tx = await sealTransaction({ state: 'state-1', nonce, verifier: 'v'.repeat(43), next: '/dashboard' }, rt.keyring, rt.now());
  const res = await authRoute(request(`/api/auth/callback?code=code-1&state=state-1&iss=${encodeURIComponent(ISSUER)}`, { headers: { cookie: `__Host-bff_oidc.state-1=${tx}` } }), rt);
  const location = new URL(res.headers.get('location')!);
  const sealed = res.headers.getSetCookie().find((c) => c.startsWith('__Host-bff_session='))?.split(';')[0].split('=')[1];
  return { res, location, session: sealed ? await openSession(sealed, rt.keyring) : null };
}

const claims = async (overrides: JWTPayload = {}) => ({
  iss: ISSUER,
  aud: CLIENT,
  sub: 'user-7',
  sid: 'op-session-1',
  nonce: 'nonce-1',
  email: 'u7@example.com',
  email_verified: true,
  at_hash: await atHash('access-1'),
  ...overrides,
});

describe('the OpenID callback accepts only an ID token that checks out', () => {
  it('a valid answer makes a session: user from the claims, the provider session kept for back-channel logout', async () => {
    const rt = await runtime({ env, fetch: provider(async () => sign(await claims())).fetch });
    const { res, location, session } = await callback(rt);
    expect(res.status).toBe(303);
    expect(location.pathname).toBe('/dashboard');
    expect(session).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1', user: { id: 'user-7', email: 'u7@example.com' }, provider: { sub: 'user-7', sid: 'op-session-1' } });
    expect(res.headers.getSetCookie().find((c) => c.startsWith('__Host-bff_oidc.state-1='))).toMatch(/Max-Age=0/i);
  });

  it('two sign-ins in flight in one browser (two tabs): each callback finds its own transaction', async () => {
    const rt = await runtime({ env, fetch: provider(async () => sign(await claims({ nonce: 'nonce-2' }))).fetch });
    const seal = (state: string, nonce: string) => sealTransaction({ state, nonce, verifier: 'v'.repeat(43), next: `/${state}` }, rt.keyring, rt.now());
    const cookie = `__Host-bff_oidc.state-1=${await seal('state-1', 'nonce-1')}; __Host-bff_oidc.state-2=${await seal('state-2', 'nonce-2')}`;
    const res = await authRoute(request(`/api/auth/callback?code=c&state=state-2&iss=${encodeURIComponent(ISSUER)}`, { headers: { cookie } }), rt);
    expect(new URL(res.headers.get('location')!).pathname).toBe('/state-2');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('__Host-bff_session='))).toBe(true);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('__Host-bff_oidc.state-1='))).toBe(false);
  });

  it.each([
    ['a nonce from another sign-in', async () => sign(await claims({ nonce: 'someone-elses' }))],
    ['another issuer', async () => sign(await claims({ iss: 'https://evil.test' }))],
    ['another audience', async () => sign(await claims({ aud: 'other-client' }))],
    ['a signature by another key', async () => sign(await claims(), { key: otherKey })],
    ['an at_hash of another access token', async () => sign(await claims({ at_hash: await atHash('access-2') }))],
    ['an expired token', async () => new SignJWT(await claims()).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt(1_600_000_000).setExpirationTime(1_600_000_300).sign(keys.privateKey)],
  ])('%s: back to the login page, no session', async (_, idToken) => {
    const rt = await runtime({ env, fetch: provider(idToken).fetch });
    const { res, location, session } = await callback(rt);
    expect(res.status).toBe(303);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('error')).toBe('invalid_id_token');
    expect(session).toBeNull();
  });
});

describe('client authentication at the provider', () => {
  it("the code exchange and the refresh send an id and secret with '-', '.', '_' as typed (Glewlwyd does not decode Basic)", async () => {
    const seen: (string | null)[] = [];
    const inner = provider(async () => sign(await claims()));
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : input);
      if (url.pathname === '/token') seen.push(new Headers(input instanceof Request ? input.headers : init?.headers).get('authorization'));
      return inner.fetch(input, init);
    }) as typeof globalThis.fetch;
    const rt = await runtime({ env: { ...env, AUTH_CLIENT_ID: CLIENT, AUTH_CLIENT_SECRET: 'bff-bcl.secret_1' }, fetch });
    expect((await callback(rt)).location.pathname).toBe('/dashboard');
    await rt.refresher.refresh(session({ accessExpiresAt: Date.now() - 1 }), SKEW);
    expect(seen).toEqual([`Basic ${btoa(`${CLIENT}:bff-bcl.secret_1`)}`, `Basic ${btoa(`${CLIENT}:bff-bcl.secret_1`)}`]);
  });
});

describe('back-channel logout tokens', () => {
  const EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };
  const logoutToken = (overrides: JWTPayload = {}, options = {}) =>
    sign({ iss: ISSUER, aud: CLIENT, sub: 'user-7', sid: 'op-session-1', jti: crypto.randomUUID(), events: EVENT, ...overrides }, { typ: 'logout+jwt', ...options });
  const post = (rt: BffRuntime, token: string) =>
    authRoute(request('/api/auth/backchannel-logout', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: token }).toString() }), rt);
  const opSession = (overrides: Partial<Session> = {}) => session({ sid: crypto.randomUUID(), provider: { sub: 'user-7', sid: 'op-session-1' }, signedInAt: Date.now() - 60_000, ...overrides });

  it('a valid token ends every session of that provider session; others live on', async () => {
    const rt = await runtime({ env, fetch: provider(async () => '').fetch });
    const mine = opSession();
    const other = opSession({ provider: { sub: 'user-7', sid: 'op-session-2' } });
    expect((await post(rt, await logoutToken())).status).toBe(200);
    expect(await rt.revocations.isRevoked(mine)).toBe(true);
    expect(await rt.revocations.isRevoked(other)).toBe(false);
  });

  it('with only a sub, every session of that user signed in before it ends; a later sign-in lives', async () => {
    const rt = await runtime({ env, fetch: provider(async () => '').fetch });
    expect((await post(rt, await logoutToken({ sid: undefined }))).status).toBe(200);
    expect(await rt.revocations.isRevoked(opSession({ provider: { sub: 'user-7', sid: 'any' } }))).toBe(true);
    expect(await rt.revocations.isRevoked(opSession({ signedInAt: Date.now() + 1_000 }))).toBe(false);
    expect(await rt.revocations.isRevoked(opSession({ provider: { sub: 'user-8' } }))).toBe(false);
  });

  it.each([
    ['no back-channel event (an ID token, say)', () => logoutToken({ events: undefined })],
    ['a nonce', () => logoutToken({ nonce: 'n' })],
    ['neither sid nor sub', () => logoutToken({ sid: undefined, sub: undefined })],
    ['another audience', () => logoutToken({ aud: 'other-client' })],
    ['another issuer', () => logoutToken({ iss: 'https://evil.test' })],
    ['a signature by another key', () => logoutToken({}, { key: otherKey })],
    ['no jti', () => logoutToken({ jti: undefined })],
  ])('refused with 400: %s', async (_, token) => {
    const rt = await runtime({ env, fetch: provider(async () => '').fetch });
    const res = await post(rt, await token());
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    expect(await rt.revocations.isRevoked(opSession())).toBe(false);
  });

  it('a replayed token is refused the second time', async () => {
    const rt = await runtime({ env, fetch: provider(async () => '').fetch });
    const token = await logoutToken();
    expect((await post(rt, token)).status).toBe(200);
    expect((await post(rt, token)).status).toBe(400);
  });
});

describe('starting a sign-in', () => {
  it.each([`/${'a'.repeat(2047)}`, `/${'😀'.repeat(1000)}`, `/${'a'.repeat(9000)}`])('a long next never makes a sign-in cookie a browser would drop (%#)', async (next) => {
    const rt = await runtime({ env, fetch: provider(async () => '').fetch });
    const res = await authRoute(request(`/api/auth/login?next=${encodeURIComponent(next)}`), rt);
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-bff_oidc.'))!;
    expect(cookie.length).toBeLessThan(4096);
  });
});

describe('the resources a sign-in asks for (RFC 8707)', () => {
  it("OIDC_AUDIENCE and every API with a resource of its own: the sign-in's grant must cover the tokens its refresh token will mint", async () => {
    const backends = { files: { url: 'https://files.test', token: 'user', resource: 'urn:files' }, partner: { url: 'https://p.test', token: 'client', resource: 'urn:p' } } as const;
    const rt = await runtime({ env: { ...env, OIDC_AUDIENCE: 'https://api.test', OIDC_PAR: '0' }, backends, fetch: provider(async () => '').fetch });
    const res = await authRoute(request('/api/auth/login'), rt);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.getAll('resource')).toEqual(['https://api.test', 'urn:files']);
    expect(location.searchParams.getAll('audience')).toEqual(['https://api.test']);
  });
});

describe('who signed in, from the claims', () => {
  it('an email the provider does not call verified is not taken (unless configured); the id is always sub', async () => {
    const unverified = await runtime({ env, fetch: provider(async () => sign(await claims({ email_verified: false, id: 'admin' }))).fetch });
    expect((await callback(unverified)).session?.user).toEqual({ id: 'user-7' });
    const lenient = await runtime({ env: { ...env, OIDC_REQUIRE_VERIFIED_EMAIL: 'false' }, fetch: provider(async () => sign(await claims({ email_verified: undefined }))).fetch });
    expect((await callback(lenient)).session?.user).toEqual({ id: 'user-7', email: 'u7@example.com' });
  });
});

describe('an ID token that comes with a refresh is kept only if it checks out (OpenID Connect Core §12.2)', () => {
  const refreshWith = async (idToken: () => Promise<string>) => {
    const rt = await runtime({ env, fetch: provider(idToken).fetch });
    const before = session({ sid: 's-1', refreshToken: 'refresh-0', idToken: 'id-token-at-sign-in', provider: { sub: 'user-7', sid: 'op-session-1' }, accessExpiresAt: Date.now() - 1 });
    const outcome = await rt.refresher.refresh(before, 30_000);
    expect(outcome.kind).toBe('refreshed');
    return outcome.kind === 'refreshed' ? outcome.session : undefined;
  };
  const fresh = (overrides: JWTPayload = {}, options?: { key?: CryptoKey }) => async () => sign(await claims({ nonce: undefined, ...overrides }), options);

  it('a valid one replaces the old', async () => {
    const token = await fresh()();
    const after = await refreshWith(async () => token);
    expect(after).toMatchObject({ accessToken: 'access-1', idToken: token });
  });

  it.each([
    ['signed by another key', async () => sign(await claims({ nonce: undefined }), { key: otherKey })],
    ['naming another user', fresh({ sub: 'user-8' })],
    ['for another client', fresh({ aud: 'someone-else' })],
    ['from another issuer', fresh({ iss: 'https://evil.test' })],
    ['for another access token', fresh({ at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' })],
  ])('one %s is dropped; the refresh stands with the ID token from before', async (_case, token) => {
    const after = await refreshWith(token);
    expect(after).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1', idToken: 'id-token-at-sign-in' });
  });
});

describe('step-up with an OpenID provider (max_age and auth_time)', () => {
  it('a step-up sign-in asks the provider for max_age', async () => {
    const rt = await runtime({ env, fetch: provider(async () => '').fetch });
    const res = await authRoute(request('/api/auth/login?next=%2Fsettings&max_age=300'), rt);
    expect(new URL(res.headers.get('location')!).searchParams.get('max_age')).toBe('300');
    const plain = await authRoute(request('/api/auth/login?max_age=soon'), rt);
    expect(new URL(plain.headers.get('location')!).searchParams.has('max_age')).toBe(false);
  });

  it('the callback then needs an auth_time within max_age; the session remembers it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const withAuthTime = async (authTime: number) => {
      const rt = await runtime({ env, fetch: provider(async () => sign(await claims({ auth_time: authTime }))).fetch });
      const tx = await sealTransaction({ state: 'state-1', nonce: 'nonce-1', verifier: 'v'.repeat(43), next: '/settings', maxAge: 300 }, rt.keyring, rt.now());
      const res = await authRoute(request(`/api/auth/callback?code=code-1&state=state-1&iss=${encodeURIComponent(ISSUER)}`, { headers: { cookie: `__Host-bff_oidc.state-1=${tx}` } }), rt);
      const sealed = res.headers.getSetCookie().find((c) => c.startsWith('__Host-bff_session='))?.split(';')[0].split('=')[1];
      return { location: new URL(res.headers.get('location')!), session: sealed ? await openSession(sealed, rt.keyring) : null };
    };
    const stale = await withAuthTime(now - 3600);
    expect(stale.session).toBeNull();
    expect(stale.location.searchParams.get('error')).toBe('invalid_id_token');
    const fresh = await withAuthTime(now - 10);
    expect(fresh.location.pathname).toBe('/settings');
    expect(fresh.session?.authenticatedAt).toBe((now - 10) * 1000);
  });

  it('a provider session without auth_time (a silent SSO sign-in) is never recently authenticated; a password sign-in is, by its time', () => {
    const now = Date.now();
    const base = { accessToken: 'a', accessExpiresAt: now + 60_000, refreshExpiresAt: now + 3_600_000, user: { id: 'u' }, signedInAt: now - 1_000 };
    expect(recentlyAuthenticated({ ...base, provider: { sub: 'u' } }, 300, now)).toBe(false);
    expect(recentlyAuthenticated({ ...base, provider: { sub: 'u' }, authenticatedAt: now - 5_000 }, 300, now)).toBe(true);
    expect(recentlyAuthenticated(base, 300, now)).toBe(true);
    expect(recentlyAuthenticated({ ...base, signedInAt: now - 301_000 }, 300, now)).toBe(false);
  });
});
