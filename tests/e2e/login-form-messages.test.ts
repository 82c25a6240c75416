import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from '../helpers/client';
import { fillLogin, launchBrowser, screenshot } from '../helpers/browser';
import { startStack, type Stack } from '../helpers/stack';

describe('login form messages (Debian Chromium)', () => {
  let browser: Browser;
  let limited: Stack;
  let down: Stack;
  beforeAll(async () => {
    [browser, limited, down] = await Promise.all([
      launchBrowser(),
      startStack({}, () => ({ RATE_LIMIT_LOGIN_PER_IP: '10/60', RATE_LIMIT_LOGIN_PER_IDENTIFIER: '3/900' })),
      startStack({}, () => ({})),
    ]);
    await down.stopBackend();
  });
  afterAll(() => Promise.all([browser?.close(), limited?.stop(), down?.stop()]));

  it('rate limit: "Too many attempts, try again in N s", with and without JavaScript', async () => {
    const user = await clientFor({ app: () => limited.appUrl, backend: () => limited.backendUrl }).newUser();
    for (const javaScriptEnabled of [true, false]) {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${limited.appUrl}/login`);
      for (let i = 0; i < 4; i++) {
        await fillLogin(page, user.email, 'wrong-password');
        await page.waitForSelector('[data-testid="login-error"]');
        if (javaScriptEnabled) await page.waitForSelector('[data-testid="login-submit"]:not([disabled])');
      }
      expect(await page.textContent('[data-testid="login-error"]')).toMatch(/^Too many attempts, try again in \d+ s\.$/);
      await screenshot(page, `rate-limited-${javaScriptEnabled ? 'js' : 'nojs'}`);
      await context.close();
    }
  });

  it("a link to the login page picks at most which of the page's own sentences shows, never its words", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const phish = encodeURIComponent('Your account is suspended. Call +1-555-0100 now.');
    const shown = async (query: string) => {
      await page.goto(`${limited.appUrl}/login?${query}`);
      return page.textContent('[data-testid="login-error"]');
    };
    expect(await shown(`error=invalid_credentials&message=${phish}`)).toBe('The email or password is incorrect.');
    expect(await shown(`error=maintenance&message=${phish}`)).toBe('The service is under maintenance. Please try again shortly.');
    expect(await shown(`error=${phish}`)).toBe('Signing in failed. Please try again.');
    expect(await shown('error=rate_limited&retryAfter=99999999999')).toBe('Too many attempts, try again in 86400 s.');
    expect(await shown('error=rate_limited&retryAfter=soon')).toBe('Too many attempts, try again in 60 s.');
    expect(await page.content()).not.toContain('555-0100');
    await context.close();
  });

  it('backend down: the form says the service is unavailable', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${down.appUrl}/login`);
    await fillLogin(page, 'demo@example.com', 'demo-password');
    await page.waitForSelector('[data-testid="login-error"]');
    expect(await page.textContent('[data-testid="login-error"]')).toContain('The sign-in service is unavailable right now');
    await screenshot(page, 'backend-down');
    await context.close();
  });
});
