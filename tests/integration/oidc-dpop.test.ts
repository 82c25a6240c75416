import { exportJWK, generateKeyPair } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/edge/config/load';
import { dpopSigner } from '@/edge/dpop/signer';
import { joinChunks } from '@/edge/session/chunks';
import { openSession } from '@/edge/session/codec';
import { keyringFor } from '@/edge/session/keys';
import { GENEROUS_LIMITS, SESSION_SECRET } from '../helpers/global-setup';
import { startOidcStack, type OidcProvider, type OidcStack } from '../helpers/oidc';
import { upstashEnv } from '../helpers/stack';

const ACCESS_TOKEN_TTL = 4;
const CLIENT = { client_id: 'bff-dpop', client_secret: 'dpop-secret-0123456789', token_endpoint_auth_method: 'client_secret_basic', dpop_bound_access_tokens: true };

/**
 * DPoP (RFC 9449) against a real OpenID provider (oidc-provider from npm) that binds this client's access tokens to a
 * key and demands a fresh nonce in every proof: two instances share the key (AUTH_DPOP_PRIVATE_KEY) and the store.
 * BACKEND_URL is the provider, so `/api/backend/me` is its userinfo endpoint: a resource server that checks each proof
 * (method, URL, token hash, nonce, single use) before it answers.
 */
describe('DPoP-bound tokens at a real OpenID provider', () => {
  let stack: OidcStack;
  let op: OidcProvider;
  let urls: string[];
  let browser: Browser;
  let dpopKey: string;

  beforeAll(async () => {
    dpopKey = JSON.stringify(await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey));
    stack = await startOidcStack(ACCESS_TOKEN_TTL, { extraClients: [CLIENT], dpopNonces: true }, (provider) => ({
      SESSION_SECRET,
      ...GENEROUS_LIMITS,
      ...upstashEnv(),
      AUTH_PRESET: 'oidc',
      OIDC_ISSUER: provider.issuer,
      BACKEND_URL: provider.issuer,
      AUTH_CLIENT_ID: CLIENT.client_id,
      AUTH_CLIENT_SECRET: CLIENT.client_secret,
      PROTECTED_PATHS: '/dashboard',
      OIDC_DPOP: '1',
      AUTH_DPOP_PRIVATE_KEY: dpopKey,
    }));
    ({ op, urls, browser } = stack);
  }, 60_000);
  afterAll(() => stack?.stop());

  async function signIn(login: string): Promise<string> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${urls[0]}/dashboard`);
    await page.waitForURL(`${op.issuer}/interaction/**`);
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', 'any');
    await page.click('.login-submit');
    await page.waitForURL(`${urls[0]}/dashboard`);
    await expect.poll(() => page.textContent('[data-testid="dashboard-user"]')).toContain(`User ${login}`);
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await context.close();
    return cookie;
  }

  const me = (base: string, cookie: string) => fetch(`${base}/api/backend/me`, { headers: { cookie } });

  /** The access token inside a session cookie, as only someone holding SESSION_SECRET could read it. */
  async function accessTokenIn(cookie: string): Promise<string> {
    const jar = new Map(cookie.split('; ').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const));
    const config = loadConfig({ BACKEND_URL: op.issuer, SESSION_SECRET, NODE_ENV: 'production', APP_URL: urls[0] });
    const session = await openSession(joinChunks((name) => jar.get(name), config.cookie)!, await keyringFor([SESSION_SECRET]));
    return session!.accessToken;
  }

  it('sign-in gets a DPoP-bound token; every proxied call carries its own proof, answered after the nonce challenge', async () => {
    const cookie = await signIn('dora');
    const answers = [];
    for (const base of [urls[0], urls[1], urls[0], urls[1]]) answers.push(await me(base, cookie));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await answers[3].json()).toMatchObject({ sub: 'dora' });
    // The provider would refuse a replayed proof (single-use jti) or a proof without its latest nonce.
  });

  it('the token alone is useless: as a bearer, or with a replayed proof, or a proof for another URL, the provider refuses it', async () => {
    const cookie = await signIn('ezra');
    const token = await accessTokenIn(cookie);
    const userinfo = new URL(`${op.issuer}/me`);
    expect((await fetch(userinfo, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);

    // Someone holding the key (as the BFF does) gets one answer per proof, and only for the URL it names.
    const holder = await dpopSigner({ jwk: JSON.parse(dpopKey), alg: 'ES256' }, Date.now);
    const call = async (proof: string) => fetch(userinfo, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    let first = await call(await holder.proof('GET', userinfo, token));
    if (holder.learn(userinfo, first.status, first.headers)) first = await call(await holder.proof('GET', userinfo, token));
    expect(first.status).toBe(200);
    const proof = await holder.proof('GET', userinfo, token);
    expect((await call(proof)).status).toBe(200);
    const replay = await call(proof);
    expect(replay.status).toBe(401);
    expect(replay.headers.get('www-authenticate')).toMatch(/DPoP/);
    const elsewhere = await call(await holder.proof('GET', new URL(`${op.issuer}/token`), token));
    expect(elsewhere.status).toBe(401);
    const otherToken = await call(await holder.proof('GET', userinfo, `${token}x`));
    expect(otherToken.status).toBe(401);
  });

  it('an expired token is refreshed once for 12 parallel calls on two instances, and the new one is bound to the same key', async () => {
    const cookie = await signIn('fay');
    const before = (await op.stats()).refreshGrants;
    await new Promise((r) => setTimeout(r, ACCESS_TOKEN_TTL * 1000 + 500));
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => me(urls[i % 2], cookie)));
    expect(answers.map((r) => r.status)).toEqual(Array(12).fill(200));
    const stats = await op.stats();
    expect(stats.refreshGrants - before).toBe(1);
    expect(stats.refreshErrors).toBe(0);
    const rotated = answers.flatMap((r) => r.headers.getSetCookie().filter((c) => c.startsWith('__Host-bff_session')).map((c) => c.split(';')[0]));
    const fresh = [...new Set(rotated)].join('; ');
    // The refreshed token, on the instance that did not refresh it, still works: same key everywhere.
    for (const base of urls) expect((await me(base, fresh)).status).toBe(200);
    expect(await accessTokenIn(fresh)).not.toBe(await accessTokenIn(cookie));
  }, 30_000);
});
