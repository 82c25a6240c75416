import { describe, expect, it } from 'vitest';
import { freePort, startApp } from '../../scripts/lib/processes.mjs';

describe('start-up configuration check', () => {
  it('next start without BACKEND_URL and with a short secret stops with sentences saying what to set', async () => {
    const app = startApp(await freePort(), { BACKEND_URL: '', SESSION_SECRET: 'short' });
    const code = await new Promise<number | null>((resolve) => app.child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(app.output()).toContain('BACKEND_URL is not set. Set it to your API');
    expect(app.output()).toContain('SESSION_SECRET must be at least 32 characters');
    expect(app.output()).not.toMatch(/\n\s+at /); // no stack trace
  });
});
