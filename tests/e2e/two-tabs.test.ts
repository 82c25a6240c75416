import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, sleep } from '../helpers/client';
import { fillLogin, launchBrowser, screenshot } from '../helpers/browser';
import { startStack, type Stack } from '../helpers/stack';

describe('two tabs across access-token expiry (Debian Chromium)', () => {
  let browser: Browser;
  let stack: Stack;
  beforeAll(async () => {
    // Tokens live 5 s and are refreshed 1 s before expiry: two expiries fit in one test, and a slow page load
    // (under 4 s) never needs a second refresh.
    [browser, stack] = await Promise.all([launchBrowser(), startStack({ ACCESS_TTL_SECONDS: '5' }, () => ({ REFRESH_SKEW_SECONDS: '1' }))]);
  });
  afterAll(() => Promise.all([browser?.close(), stack?.stop()]));

  it('both tabs stay signed in while tokens expire; logging out in one signs the other out at its next navigation', async () => {
    const c = clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl });
    const user = await c.newUser();
    const context = await browser.newContext();
    const [one, two] = [await context.newPage(), await context.newPage()];

    await one.goto(`${stack.appUrl}/login?next=%2Fdashboard`);
    await fillLogin(one, user.email, user.password);
    await one.waitForURL('**/dashboard');
    await two.goto(`${stack.appUrl}/dashboard`);
    expect(new URL(two.url()).pathname).toBe('/dashboard');

    for (let i = 0; i < 2; i++) {
      await sleep(5200); // both tabs' access token is now expired at the backend
      // Both tabs navigate at the same moment: the refresh is shared, nobody is logged out.
      await Promise.all([one.reload(), two.reload()]);
      for (const tab of [one, two]) {
        expect(new URL(tab.url()).pathname).toBe('/dashboard');
        expect(await tab.textContent('[data-testid="dashboard-user"]')).toContain(user.email);
        expect(await tab.locator('[data-testid="notes-error"]').count()).toBe(0);
      }
    }
    const { refreshCalls } = await c.backend.stats();
    expect(refreshCalls).toBeGreaterThanOrEqual(2);
    expect(refreshCalls).toBeLessThanOrEqual(4);

    await one.click('[data-testid="logout"]');
    await one.waitForURL(`${stack.appUrl}/`);
    await two.click('a[href="/dashboard"]');
    await two.waitForURL('**/login?next=%2Fdashboard');
    expect(await two.textContent('h1')).toBe('Log in');
    await screenshot(two, 'two-tabs-signed-out');
    await context.close();
  });
});
