import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appUrl, backend, newUser, sleep } from '../helpers/client';
import { fillLogin, launchBrowser, screenshot } from '../helpers/browser';

describe('browser journeys (Debian Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());
  beforeEach(() => backend.reset());

  it('log in through the form, see the dashboard, add a note, survive access-token expiry, log out', async () => {
    // Access tokens that live 2 s: every navigation after that needs a silent refresh.
    await backend.configure({ accessTtlSeconds: 2 });
    const user = await newUser();
    const context = await browser.newContext();
    const page = await context.newPage();

    await page.goto(`${appUrl()}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/dashboard');

    await fillLogin(page, user.email, user.password);
    await page.waitForURL('**/dashboard');
    await expect.poll(() => page.textContent('[data-testid="dashboard-user"]')).toContain(user.email);
    expect(await page.evaluate(() => document.cookie)).toBe(''); // nothing readable by JavaScript

    await page.fill('#note', 'first note');
    await page.click('[data-testid="add-note"]');
    await page.waitForSelector('text=first note');

    await sleep(2500); // the access token has expired at the backend
    await page.reload();
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    expect(await page.textContent('[data-testid="notes"]')).toContain('first note'); // server data, fresh token

    await sleep(2500);
    await page.fill('#note', 'after expiry');
    await page.click('[data-testid="add-note"]');
    await page.waitForSelector('text=after expiry');
    expect((await backend.stats()).refreshCalls).toBeGreaterThanOrEqual(2);

    await page.click('[data-testid="logout"]');
    await page.waitForURL(`${appUrl()}/`);
    expect(await page.textContent('[data-testid="home-user"]')).toContain('not signed in');
    expect((await context.cookies()).filter((c) => c.name.includes('bff_session'))).toEqual([]);
    await screenshot(page, 'login-journey');
    await context.close();
  });

  it('without JavaScript the form still logs in (303 flow)', async () => {
    const user = await newUser();
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${appUrl()}/login?next=%2Fdashboard`);
    await fillLogin(page, user.email, user.password);
    await page.waitForURL('**/dashboard');
    expect(await page.textContent('[data-testid="dashboard-user"]')).toContain(user.email);
    const session = (await context.cookies()).find((c) => c.name.includes('bff_session'))!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true, path: '/' });
    await screenshot(page, 'no-javascript-login');
    await context.close();
  });

  it('a wrong password is shown in the form, with and without JavaScript', async () => {
    const user = await newUser();
    for (const javaScriptEnabled of [true, false]) {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${appUrl()}/login`);
      await fillLogin(page, user.email, 'wrong-password');
      await page.waitForSelector('[data-testid="login-error"]');
      expect(await page.textContent('[data-testid="login-error"]')).toBe('The email or password is incorrect.');
      await screenshot(page, `wrong-password-${javaScriptEnabled ? 'js' : 'nojs'}`);
      await context.close();
    }
  });
});
