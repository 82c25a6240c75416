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
