import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startApp, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
import { launchBrowser, screenshot } from '../helpers/browser';
import { GENEROUS_LIMITS, SESSION_SECRET } from '../helpers/global-setup';
import { oidcEnv, startOidcProvider, type OidcProvider } from '../helpers/oidc';
import { upstashEnv } from '../helpers/stack';

const ACCESS_TOKEN_TTL = 4;

/**
 * AUTH_PRESET=oidc against a real OpenID provider (oidc-provider from npm, a process of its own) and two instances of
 * the demo sharing the Upstash fixture: the provider's own login page in Chromium, refresh with rotation across the
 * instances, RP-initiated logout, back-channel logout, and the attacks on the callback. BACKEND_URL is the provider
 * itself, so `/api/backend/me` is its userinfo endpoint: a real server checking the bearer the BFF attaches.
 */
describe('sign-in through an OpenID provider', () => {
  let op: OidcProvider;
  let apps: Proc[] = [];
  let a: string;
  let b: string;
  let browser: Browser;

  beforeAll(async () => {
    const ports = [await freePort(), await freePort()];
    [a, b] = ports.map((p) => `http://127.0.0.1:${p}`);
    op = await startOidcProvider([a, b], ACCESS_TOKEN_TTL);
    // The provider publishes a PAR endpoint: instance a pushes its sign-in requests (RFC 9126), b sends them in the URL.
    apps = ports.map((port, i) => startApp(port, { SESSION_SECRET, ...GENEROUS_LIMITS, ...upstashEnv(), ...oidcEnv(op), PROTECTED_PATHS: '/dashboard', OIDC_PAR: i ? '0' : 'auto' }));
    await Promise.all(apps.map((app, i) => waitForHttp(`${[a, b][i]}/`, 30_000, app)));
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([...apps, op?.proc].filter(Boolean).map((p) => p!.stop()));
  });

  /** Signs in at the provider's own page, starting from `start`; returns where the browser landed. */
  async function signIn(page: Page, start: string, login: string): Promise<URL> {
    await page.goto(start);
    await page.waitForURL(`${op.issuer}/interaction/**`);
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', 'any');
    await page.click('.login-submit');
    await page.waitForURL((url) => url.origin === a || url.origin === b);
    return new URL(page.url());
  }

  const cookieHeader = async (context: BrowserContext) => (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const me = (base: string, cookie: string) => fetch(`${base}/api/backend/me`, { headers: { cookie }, redirect: 'manual' });

  it('a protected page goes to the provider and back; the provider itself accepts the bearer the BFF attaches', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const landed = await signIn(page, `${a}/dashboard`, 'alice');
    expect(landed.pathname).toBe('/dashboard');
    await expect.poll(() => page.textContent('[data-testid="dashboard-user"]')).toContain('User alice');
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const userinfo = await page.evaluate(async () => (await fetch('/api/backend/me')).json());
    expect(userinfo).toMatchObject({ sub: 'alice', email: 'alice@example.com' });
    await screenshot(page, 'oidc-dashboard');
    await context.close();
  });

  it('an expired access token is refreshed exactly once for 12 parallel requests on two instances, and nobody is logged out', async () => {
    const context = await browser.newContext();
    await signIn(await context.newPage(), `${a}/dashboard`, 'bob');
    const cookie = await cookieHeader(context);
    const before = (await op.stats()).refreshGrants;
    await new Promise((r) => setTimeout(r, ACCESS_TOKEN_TTL * 1000 + 500));
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => me(i % 2 ? b : a, cookie)));
    expect(answers.map((r) => r.status)).toEqual(Array(12).fill(200));
    const stats = await op.stats();
    expect(stats.refreshGrants - before).toBe(1);
    expect(stats.refreshErrors).toBe(0);
    const cookies = new Set(answers.flatMap((r) => r.headers.getSetCookie().filter((c) => c.startsWith('__Host-bff_session')).map((c) => c.split(';')[0])));
    expect(cookies.size).toBe(1); // both instances handed out the same rotated session
    await context.close();
  }, 30_000);

  it('logout ends the session here and at the provider (RP-initiated), and a copy of the cookie is dead on the other instance', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, `${a}/dashboard`, 'carol');
    const copy = await cookieHeader(context);
    const revoked = (await op.stats()).revocations;
    await page.click('[data-testid="logout"]');
    await page.waitForURL(`${op.issuer}/session/end**`);
    // Before the provider's own logout: the BFF has revoked the grant at the revocation endpoint (RFC 7009).
    expect((await op.stats()).revocations).toBe(revoked + 1);
    await page.click('button[name=logout]');
    await page.waitForURL(`${a}/`);
    await expect.poll(() => page.textContent('[data-testid="home-user"]')).toContain('not signed in');
    expect((await me(b, copy)).status).toBe(401);
    // Signed out at the provider too: the next sign-in asks for the login again.
    await page.goto(`${a}/dashboard`);
    await page.waitForURL(`${op.issuer}/interaction/**`);
    await context.close();
  });

  it('two tabs signing in at once both land signed in (one transaction cookie per sign-in)', async () => {
    const context = await browser.newContext();
    const [first, second] = [await context.newPage(), await context.newPage()];
    await first.goto(`${a}/dashboard`);
    await first.waitForURL(`${op.issuer}/interaction/**`);
    await second.goto(`${a}/dashboard?tab=2`);
    await second.waitForURL(`${op.issuer}/interaction/**`);
    for (const page of [first, second]) {
      await page.fill('input[name=login]', 'gina');
      await page.fill('input[name=password]', 'any');
      await page.click('.login-submit');
      await page.waitForURL((url) => url.origin === a);
      expect(new URL(page.url()).pathname).toBe('/dashboard');
    }
    expect(new URL(second.url()).searchParams.get('tab')).toBe('2');
    await context.close();
  });

  it('the ID token never reaches JavaScript: a JSON logout names the end-session page without it; a form post gets the hint', async () => {
    const logout = async (login: string, form: boolean) => {
      const context = await browser.newContext();
      await signIn(await context.newPage(), `${a}/dashboard`, login);
      const res = await fetch(`${a}/api/auth/logout`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: await cookieHeader(context), origin: a, 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
        body: form ? '' : '{}',
      });
      await context.close();
      return res;
    };
    const json = await logout('erin', false);
    const { redirectTo } = (await json.json()) as { redirectTo: string };
    const forScript = new URL(redirectTo);
    expect(forScript.origin + forScript.pathname).toBe(`${op.issuer}/session/end`);
    expect(forScript.searchParams.get('client_id')).toBe(op.clientId);
    expect(forScript.searchParams.has('id_token_hint')).toBe(false);
    const form = await logout('gina', true);
    expect(form.status).toBe(303);
    const hint = new URL(form.headers.get('location')!).searchParams.get('id_token_hint');
    expect(hint?.split('.')).toHaveLength(3);
  });

  it('a back-channel logout from the provider signs the user out of both instances', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, `${a}/dashboard`, 'dave');
    const copy = await cookieHeader(context);
    expect((await me(b, copy)).status).toBe(200);
    const delivered = (await op.stats()).backchannelSuccess;
    // The user ends the provider session there, without the app: only the back channel tells the BFF.
    await page.goto(`${op.issuer}/session/end`);
    await page.click('button[name=logout]');
    await expect.poll(async () => (await op.stats()).backchannelSuccess).toBe(delivered + 1);
    await expect.poll(async () => (await me(a, copy)).status, { timeout: 8_000 }).toBe(401);
    await expect.poll(async () => (await me(b, copy)).status, { timeout: 8_000 }).toBe(401);
    await context.close();
  }, 30_000);

  describe('attacks on the callback', () => {
    const callback = (base: string, query: string, cookie = '') =>
      fetch(`${base}/api/auth/callback?${query}`, { headers: { cookie }, redirect: 'manual' });
    const errorOf = (res: Response) => new URL(res.headers.get('location')!).searchParams.get('error');

    it('no transaction cookie (a forged or foreign callback): back to the login page, no session', async () => {
      const res = await callback(a, 'code=abc&state=forged');
      expect(res.status).toBe(303);
      expect(new URL(res.headers.get('location')!).pathname).toBe('/login');
      expect(errorOf(res)).toBe('state_mismatch');
      expect(res.headers.getSetCookie().some((c) => c.startsWith('__Host-bff_session='))).toBe(false);
    });

    it("a state that is not the one this browser started is refused; the browser's own sign-in is left to finish", async () => {
      const start = await fetch(`${a}/api/auth/login?next=/dashboard`, { redirect: 'manual' });
      const tx = start.headers.getSetCookie().find((c) => c.startsWith('__Host-bff_oidc.'))!.split(';')[0];
      const res = await callback(a, 'code=abc&state=not-the-state', tx);
      expect(errorOf(res)).toBe('state_mismatch');
      expect(res.headers.getSetCookie().some((c) => c.startsWith(tx.split('=')[0]))).toBe(false);
      expect(res.headers.getSetCookie().some((c) => c.startsWith('__Host-bff_session='))).toBe(false);
    });

    it("a callback is single-use: its transaction cookie is spent even when the provider's answer is refused", async () => {
      const start = await fetch(`${b}/api/auth/login?next=/dashboard`, { redirect: 'manual' });
      const tx = start.headers.getSetCookie().find((c) => c.startsWith('__Host-bff_oidc.'))!.split(';')[0];
      const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
      const res = await callback(b, `code=not-a-code&state=${state}&iss=${encodeURIComponent(op.issuer)}`, tx);
      expect(errorOf(res)).toBe('invalid_grant');
      expect(res.headers.getSetCookie().find((c) => c.startsWith(tx.split('=')[0]))).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    });

    it("a replayed callback (the same code and the same transaction cookie) is refused by the provider's single-use code", async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      let callbackUrl = '';
      page.on('request', (r) => {
        if (r.url().startsWith(`${a}/api/auth/callback`)) callbackUrl = r.url();
      });
      await page.goto(`${a}/dashboard`);
      await page.waitForURL(`${op.issuer}/interaction/**`);
      const tx = (await context.cookies(a)).find((c) => c.name.startsWith('__Host-bff_oidc.'))!;
      await page.fill('input[name=login]', 'erin');
      await page.fill('input[name=password]', 'any');
      await page.click('.login-submit');
      await page.waitForURL(`${a}/dashboard`);
      const replay = await fetch(callbackUrl, { headers: { cookie: `${tx.name}=${tx.value}` }, redirect: 'manual' });
      expect(errorOf(replay)).toBe('invalid_grant');
      expect(replay.headers.getSetCookie().some((c) => c.startsWith('__Host-bff_session='))).toBe(false);
      await context.close();
    });

    it('an open-redirect `next` is dropped before the round trip: the visitor lands on the app', async () => {
      const context = await browser.newContext();
      const landed = await signIn(await context.newPage(), `${a}/api/auth/login?next=${encodeURIComponent('//evil.example/x')}`, 'frank');
      expect(landed.origin).toBe(a);
      expect(landed.pathname).toBe('/');
      await context.close();
    });

    it('a provider error (the user cancels) lands on the login page with a message', async () => {
      const start = await fetch(`${b}/api/auth/login`, { redirect: 'manual' });
      const tx = start.headers.getSetCookie().find((c) => c.startsWith('__Host-bff_oidc.'))!.split(';')[0];
      const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
      const res = await callback(b, `error=access_denied&state=${state}&iss=${encodeURIComponent(op.issuer)}`, tx);
      expect(errorOf(res)).toBe('access_denied');
      // The code only: the login page says the words (a URL's text is never shown).
      expect([...new URL(res.headers.get('location')!).searchParams.keys()].filter((k) => k !== 'next')).toEqual(['error']);
    });

    it('a forged logout token is refused and signs nobody out', async () => {
      const forged = ['eyJhbGciOiJub25lIn0', btoa(JSON.stringify({ iss: op.issuer, aud: op.clientId, sub: 'alice', events: {} })), ''].join('.');
      const res = await fetch(`${a}/api/auth/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: forged }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    });
  });
});
