import { describe, expect, it } from 'vitest';
import { freePort, startApp } from '../../scripts/lib/processes.mjs';
import { buildVariant } from '../../scripts/lib/variant.mjs';

describe('start-up configuration check', () => {
  it('next start without BACKEND_URL and with a short secret stops with sentences saying what to set', async () => {
    const app = startApp(await freePort(), { BACKEND_URL: '', SESSION_SECRET: 'short' });
    const code = await new Promise<number | null>((resolve) => app.child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(app.output()).toContain('BACKEND_URL is not set. Set it to your API');
    expect(app.output()).toContain('SESSION_SECRET must be at least 32 characters');
    expect(app.output()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('on Vercel the same check runs at build time, so a bad configuration fails the deployment', async () => {
    const failed = await buildVariant('vercel-bad-config', {}, { VERCEL: '1', BACKEND_URL: 'not a url', SESSION_SECRET: '' }).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(failed).toContain('BACKEND_URL must be an absolute http(s) URL: got "not a url".');
    expect(failed).toContain('SESSION_SECRET is not set.');
    expect(failed).not.toMatch(/\n\s+at /);
  }, 60_000);
});
