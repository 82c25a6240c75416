import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, CookieJar, sleep } from '../helpers/client';
import { startStack, type Stack } from '../helpers/stack';

/**
 * The login → proxy → refresh → logout journey for every preset, each against the example
 * backend speaking that preset's shapes, from the same build, configured by environment only.
 */
const DPOP_KEY = JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }));

const PRESETS: { name: string; backendEnv: Record<string, string>; appEnv: (backendUrl: string) => Record<string, string> }[] = [
  { name: 'envelope (default)', backendEnv: {}, appEnv: () => ({}) },
  {
    name: 'oauth2 with a confidential client, RFC 7009 revocation, userinfo profile and JWKS-verified ES256 tokens',
    backendEnv: { AUTH_MODE: 'oauth2', CLIENT_ID: 'bff app', CLIENT_SECRET: 'client:secret', JWT_ALG: 'ES256', JWT_ISSUER: 'https://id.example', JWT_AUDIENCE: 'bff' },
    appEnv: (backendUrl) => ({
      AUTH_PRESET: 'oauth2',
      AUTH_CLIENT_ID: 'bff app',
      AUTH_CLIENT_SECRET: 'client:secret',
      AUTH_LOGOUT_PATH: '/oauth/revoke',
      AUTH_PROFILE_PATH: '/oauth/userinfo',
      AUTH_JWKS_URL: `${backendUrl}/.well-known/jwks.json`,
      AUTH_JWT_ISSUER: 'https://id.example',
      AUTH_JWT_AUDIENCE: 'bff',
    }),
  },
  {
    name: 'oauth2 with DPoP-bound tokens (AUTH_DPOP=1): the password grant, refresh, profile and every proxied call with a proof',
    backendEnv: { AUTH_MODE: 'oauth2', CLIENT_ID: 'bff-app', CLIENT_SECRET: 's3cret' },
    appEnv: () => ({
      AUTH_PRESET: 'oauth2',
      AUTH_CLIENT_ID: 'bff-app',
      AUTH_CLIENT_SECRET: 's3cret',
      AUTH_LOGOUT_PATH: '/oauth/revoke',
      AUTH_PROFILE_PATH: '/oauth/userinfo',
      AUTH_DPOP: '1',
      AUTH_DPOP_PRIVATE_KEY: DPOP_KEY,
    }),
  },
  {
    name: 'simplejwt with expiry only in exp claims, user from claims, HS256-verified tokens',
    backendEnv: { AUTH_MODE: 'simplejwt', JWT_SECRET: 'django-signing-key-0123456789abcdef' },
    appEnv: () => ({ AUTH_PRESET: 'simplejwt', AUTH_JWT_SECRET: 'django-signing-key-0123456789abcdef' }),
  },
];

describe.each(PRESETS)('preset: $name', ({ backendEnv, appEnv }) => {
  let stack: Stack;
  let client: ReturnType<typeof clientFor>;
  beforeAll(async () => {
    stack = await startStack(backendEnv, appEnv);
    client = clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl });
  });
  afterAll(() => stack?.stop());

  it('login → proxied API → silent refresh → logout with revocation', async () => {
    const { app, backend, login, newUser, sameOrigin } = client;
    await backend.configure({ accessTtlSeconds: 2 });
    const user = await newUser();
    const jar = new CookieJar();
    const res = await login(jar, user);
    expect((await res.json()).user).toMatchObject({ email: user.email });

    const created = await app('/api/backend/notes', { method: 'POST', jar, headers: { 'content-type': 'application/json', ...sameOrigin() }, body: '{"text":"n1"}' });
    expect(created.status).toBe(201);
    expect((await backend.stats()).refreshCalls).toBe(0); // the skew fits the token: a fresh 2 s token is used as it is
    await backend.configure({ accessTtlSeconds: 3600 });

    await sleep(2100); // every token issued so far is expired at the backend
    const old = jar.clone();
    const page = await app('/dashboard', { jar });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('n1'); // server data fetched with the refreshed token
    expect((await backend.stats()).refreshCalls).toBe(1);
    expect((await app('/api/backend/notes', { jar: old })).status).toBe(200); // old cookie within grace
    expect((await backend.stats()).refreshCalls).toBe(1);

    const before = (await backend.stats()).logoutCalls;
    expect((await app('/api/auth/logout', { method: 'POST', jar, headers: sameOrigin() })).status).toBe(200);
    expect((await backend.stats()).logoutCalls).toBe(before + 1);
    expect(await (await app('/api/auth/session', { jar })).json()).toEqual({ user: null });
  });

  it('a wrong password is a clean 401 with a message, never a 500', async () => {
    const user = await client.newUser();
    const res = await client.app('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...client.sameOrigin() },
      body: JSON.stringify({ email: user.email, password: 'wrong' }),
    });
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.error).toBe('invalid_credentials');
    expect(body.message).toBeTruthy();
  });
});

describe('upstream JWT verification refuses tokens it cannot trust', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ AUTH_MODE: 'oauth2', JWT_ALG: 'ES256', JWT_AUDIENCE: 'someone-else' }, (backendUrl) => ({
      AUTH_PRESET: 'oauth2',
      AUTH_JWKS_URL: `${backendUrl}/.well-known/jwks.json`,
      AUTH_JWT_AUDIENCE: 'bff',
    }));
  });
  afterAll(() => stack?.stop());

  it('a login whose access token has the wrong audience does not create a session', async () => {
    const client = clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl });
    const user = await client.newUser();
    const res = await client.app('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...client.sameOrigin() },
      body: JSON.stringify(user),
    });
    expect(res.status).toBe(502);
    expect((await res.json()).error).toBe('backend_error');
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});
