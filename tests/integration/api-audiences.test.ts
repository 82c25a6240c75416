import type { Browser, Page } from 'playwright-core';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sleep } from '../helpers/client';
import { GENEROUS_LIMITS, SESSION_SECRET } from '../helpers/global-setup';
import { oidcEnv, startOidcStack, type OidcProvider, type OidcStack } from '../helpers/oidc';
import { upstashEnv } from '../helpers/stack';

const ACCESS_TOKEN_TTL = 4;
const RESOURCES = ['urn:files', 'urn:search'];

/**
 * A token of its own for each API (RFC 8707), minted from the user's rotating refresh token, against oidc-provider
 * with resource indicators: two instances of the demo sharing the Upstash fixture, and two APIs (the example backend's
 * echo) under /api/files and /api/search that receive tokens for their own audience.
 */
describe('per-API audiences from one refresh token, against an OpenID provider', () => {
  let stack: OidcStack;
  let op: OidcProvider;
  let urls: string[];
  let browser: Browser;

  beforeAll(async () => {
    const echo = `${inject('backendUrl')}/echo`;
    const BACKENDS = JSON.stringify({
      files: { url: echo, token: 'user', resource: RESOURCES[0] },
      search: { url: echo, token: 'user-or-none', resource: RESOURCES[1] },
    });
    stack = await startOidcStack(ACCESS_TOKEN_TTL, { resources: RESOURCES }, (provider) => ({ SESSION_SECRET, ...GENEROUS_LIMITS, ...upstashEnv(), ...oidcEnv(provider), BACKENDS }));
    ({ op, urls, browser } = stack);
  }, 60_000);
  afterAll(() => stack?.stop());

  async function signIn(page: Page, login: string): Promise<string> {
    await page.goto(`${urls[0]}/dashboard`);
    await page.waitForURL(`${op.issuer}/interaction/**`);
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', 'any');
    await page.click('.login-submit');
    await page.waitForURL((url) => url.origin === urls[0]);
    return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  }

  /** The claims of the token the API received. */
  async function received(base: string, path: string, cookie: string) {
    const res = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
    expect(res.status, path).toBe(200);
    expect(res.headers.getSetCookie().some((c) => /Max-Age=0/i.test(c)), 'nobody is signed out').toBe(false);
    const { headers } = (await res.json()) as { headers: Record<string, string> };
    return decodeJwt(headers.authorization.replace(/^Bearer /, ''));
  }

  it('each API receives a token for its own audience, of the signed-in user, from the provider', async () => {
    const context = await browser.newContext();
    const cookie = await signIn(await context.newPage(), 'grace');
    expect(await received(urls[0], '/api/files/a', cookie)).toMatchObject({ aud: 'urn:files', sub: 'grace', iss: op.issuer });
    expect(await received(urls[1], '/api/search/b', cookie)).toMatchObject({ aud: 'urn:search', sub: 'grace', iss: op.issuer });
    await context.close();
  });

  it('a burst at expiry on two APIs over two instances: one redemption for the session and one per API, no rotated token redeemed twice', async () => {
    const context = await browser.newContext();
    const cookie = await signIn(await context.newPage(), 'heidi');
    await sleep(ACCESS_TOKEN_TTL * 1000 + 300);
    const before = await op.stats();
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, i) => received(urls[i % 2], i % 3 ? '/api/files/x' : '/api/search/x', cookie)),
    );
    claims.forEach((c, i) => expect(c).toMatchObject({ aud: i % 3 ? 'urn:files' : 'urn:search', sub: 'heidi' }));
    const after = await op.stats();
    expect(after.refreshErrors - before.refreshErrors).toBe(0);
    expect(after.refreshGrants - before.refreshGrants).toBe(3);
    await context.close();
  });
});
