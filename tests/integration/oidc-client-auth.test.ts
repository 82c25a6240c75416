import { exportPKCS8, generateKeyPair } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startApp, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
import { launchBrowser } from '../helpers/browser';
import { GENEROUS_LIMITS, SESSION_SECRET } from '../helpers/global-setup';
import { startOidcProvider, type OidcProvider } from '../helpers/oidc';

const ACCESS_TOKEN_TTL = 3;

interface Scenario {
  name: string;
  /** The client as registered at the provider. */
  client: Record<string, unknown>;
  env: Record<string, string>;
  /** Which provider: the default one, or one that accepts (and publishes) only client_secret_post. */
  postOnly?: boolean;
  method: string;
  pushed: boolean;
}

/**
 * How the BFF authenticates as a client, against a real OpenID provider (oidc-provider from npm) that checks it at
 * every endpoint: a browser sign-in (code exchange), a refresh and a revocation, for each method and with pushed
 * authorization requests. The provider refuses a client whose credentials or assertion do not check out.
 */
describe('client authentication at a real OpenID provider', async () => {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const pem = await exportPKCS8(privateKey);
  const ports = await Promise.all(Array.from({ length: 4 }, () => freePort()));
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const scenarios: Scenario[] = [
    {
      name: "client_secret_basic with '-', '.', '_' and '~' in the id and the secret",
      client: { client_id: 'bff.web-client_1', client_secret: 'S3cr-et.x_y~z.0123456789', token_endpoint_auth_method: 'client_secret_basic' },
      env: { AUTH_CLIENT_ID: 'bff.web-client_1', AUTH_CLIENT_SECRET: 'S3cr-et.x_y~z.0123456789' },
      method: 'client_secret_basic',
      pushed: true,
    },
    {
      name: 'client_secret_post, chosen from the discovery document (no AUTH_CLIENT_AUTH), and OIDC_PAR=0',
      client: { client_id: 'bff-post', client_secret: 'post-secret-0123456789', token_endpoint_auth_method: 'client_secret_post' },
      env: { AUTH_CLIENT_ID: 'bff-post', AUTH_CLIENT_SECRET: 'post-secret-0123456789', OIDC_PAR: '0' },
      postOnly: true,
      method: 'client_secret_post',
      pushed: false,
    },
    {
      name: 'private_key_jwt, the provider fetching the public key from <auth>/jwks',
      client: { client_id: 'bff-jwt', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks_uri: `${urls[2]}/api/auth/jwks` },
      env: { AUTH_CLIENT_ID: 'bff-jwt', AUTH_CLIENT_AUTH: 'private_key_jwt', AUTH_CLIENT_PRIVATE_KEY: pem.replace(/\n/g, '\\n') },
      method: 'private_key_jwt',
      pushed: true,
    },
    {
      name: 'pushed authorization requests required by the provider, and by OIDC_PAR=1',
      client: { client_id: 'bff-par', client_secret: 'par-secret-0123456789', token_endpoint_auth_method: 'client_secret_basic', require_pushed_authorization_requests: true },
      env: { AUTH_CLIENT_ID: 'bff-par', AUTH_CLIENT_SECRET: 'par-secret-0123456789', OIDC_PAR: '1' },
      method: 'client_secret_basic',
      pushed: true,
    },
  ];
  let main: OidcProvider;
  let postOnly: OidcProvider;
  let apps: Proc[] = [];
  let browser: Browser;

  beforeAll(async () => {
    const registered = (only: boolean) => scenarios.filter((s) => Boolean(s.postOnly) === only).map((s) => s.client);
    [main, postOnly] = await Promise.all([
      startOidcProvider(urls, ACCESS_TOKEN_TTL, { extraClients: registered(false) }),
      startOidcProvider(urls, ACCESS_TOKEN_TTL, { extraClients: registered(true), clientAuthMethods: ['client_secret_post'] }),
    ]);
    apps = scenarios.map((s, i) => {
      const op = s.postOnly ? postOnly : main;
      return startApp(ports[i], { SESSION_SECRET, ...GENEROUS_LIMITS, AUTH_PRESET: 'oidc', OIDC_ISSUER: op.issuer, BACKEND_URL: op.issuer, PROTECTED_PATHS: '/dashboard', ...s.env });
    });
    await Promise.all(apps.map((app, i) => waitForHttp(`${urls[i]}/`, 30_000, app)));
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([...apps, main?.proc, postOnly?.proc].filter(Boolean).map((p) => p!.stop()));
  });

  async function signIn(page: Page, app: string, op: OidcProvider, login: string) {
    await page.goto(`${app}/dashboard`);
    await page.waitForURL(`${op.issuer}/interaction/**`);
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', 'any');
    await page.click('.login-submit');
    await page.waitForURL(`${app}/dashboard`);
  }

  scenarios.forEach((scenario, i) => {
    it(`${scenario.name}: sign-in, refresh and revocation are accepted`, async () => {
      const app = urls[i];
      const op = scenario.postOnly ? postOnly : main;
      const before = await op.stats();

      const start = await fetch(`${app}/api/auth/login?next=/dashboard`, { redirect: 'manual' });
      const authorize = new URL(start.headers.get('location')!);
      expect(authorize.origin).toBe(op.issuer);
      if (scenario.pushed) expect([...authorize.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
      else expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');

      const context = await browser.newContext();
      const page = await context.newPage();
      await signIn(page, app, op, `user-${i}`);
      await expect.poll(() => page.textContent('[data-testid="dashboard-user"]')).toContain(`User user-${i}`);
      const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      await context.close();

      await new Promise((r) => setTimeout(r, ACCESS_TOKEN_TTL * 1000 + 500));
      const me = await fetch(`${app}/api/backend/me`, { headers: { cookie } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ sub: `user-${i}` });
      const refreshed = me.headers.getSetCookie().filter((c) => c.startsWith('__Host-bff_session')).map((c) => c.split(';')[0]).join('; ');
      const logout = await fetch(`${app}/api/auth/logout`, {
        method: 'POST',
        headers: { cookie: refreshed || cookie, origin: app, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(logout.status).toBe(200);

      const after = await op.stats();
      expect(after.refreshGrants - before.refreshGrants).toBe(1);
      expect(after.refreshErrors - before.refreshErrors).toBe(0);
      expect(after.revocations - before.revocations).toBe(1);
      expect(after.pushedRequests - before.pushedRequests).toBe(scenario.pushed ? 2 : 0);

      const chosen = apps[i].output().split('\n').filter((l) => l.includes('"client_auth_method"')).map((l) => JSON.parse(l.slice(l.indexOf('{'))));
      // One line per runtime instance (the middleware's and the route handlers'), each naming the same choice.
      expect(new Set(chosen.map((c) => `${c.method} from ${c.from}`))).toEqual(new Set([`${scenario.method} from ${scenario.env.AUTH_CLIENT_AUTH ? 'AUTH_CLIENT_AUTH' : 'provider'}`]));
      for (const value of [scenario.env.AUTH_CLIENT_SECRET, pem.split('\n')[1]].filter(Boolean)) expect(apps[i].output()).not.toContain(value!);
    }, 40_000);
  });

  it('<auth>/jwks publishes the public key only, and only where the client signs with one', async () => {
    const res = await fetch(`${urls[2]}/api/auth/jwks`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/jwk-set+json');
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
    expect(res.headers.getSetCookie()).toEqual([]);
    const none = await fetch(`${urls[0]}/api/auth/jwks`);
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ error: 'not_found' });
  });
});
