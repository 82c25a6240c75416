import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, CookieJar } from '../helpers/client';
import { appDirFor, RUNTIMES } from '../helpers/proxy-ts';
import { startStack, type Stack } from '../helpers/stack';

/**
 * A backend answer is data, never instructions to Next: an API that echoes attacker-chosen headers
 * (`x-middleware-rewrite`, `x-middleware-set-cookie`, a `Set-Cookie` for our session) changes nothing. On both
 * forwarders: `fetch` in the edge middleware, `node:http` in `proxy.ts`.
 */
describe.each(RUNTIMES)('hostile backend response headers (%s)', (runtime) => {
  const jar = new CookieJar();
  let stack: Stack;
  let app: ReturnType<typeof clientFor>['app'];
  beforeAll(async () => {
    stack = await startStack({}, () => ({}), 1, appDirFor(runtime));
    const c = clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl });
    app = c.app;
    await c.login(jar);
  });
  afterAll(() => stack?.stop());

  it('Next-internal headers are dropped, our session cookie cannot be set or cleared, other cookies pass', async () => {
    const session = jar.cookies.get('__Host-bff_session');
    const res = await app('/api/backend/echo/x?hostile=1', { jar });
    expect(res.status).toBe(200);
    // Next would have proxied to 127.0.0.1:9 (and answered 500) had it acted on x-middleware-rewrite.
    expect(((await res.json()) as { path: string }).path).toBe('/echo/x');
    for (const name of res.headers.keys()) expect(name).not.toMatch(/^x-(middleware|nextjs)-/);
    expect(res.headers.getSetCookie()).toEqual(['backend_pref=1; Path=/']);
    expect(jar.cookies.get('__Host-bff_session')).toBe(session);
    expect((await app('/api/auth/session', { jar }).then((r) => r.json())).user).not.toBeNull();
  });

  it("a per-user answer the backend marks max-age=60 reaches the browser private, varying by cookie: no shared cache serves it to others", async () => {
    const res = await app(`/api/backend/echo/x?cache=${encodeURIComponent('max-age=60')}`, { jar });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, max-age=60');
    expect(res.headers.get('vary')?.split(',').map((v) => v.trim().toLowerCase())).toContain('cookie');
    const shared = await app(`/api/backend/echo/x?cache=${encodeURIComponent('public, max-age=60')}`, { jar });
    expect(shared.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('a client cannot smuggle method overrides or forwarding headers to the backend', async () => {
    const res = await app('/api/backend/echo/x', {
      jar,
      headers: { 'x-http-method-override': 'DELETE', 'x-method-override': 'DELETE', 'x-forwarded-host': 'evil.example', forwarded: 'host=evil.example', 'x-real-ip': '6.6.6.6' },
    });
    const { headers } = (await res.json()) as { headers: Record<string, string> };
    expect(headers['x-http-method-override']).toBeUndefined();
    expect(headers['x-method-override']).toBeUndefined();
    expect(headers['x-forwarded-host']).not.toBe('evil.example');
    expect(headers.forwarded ?? '').not.toContain('evil.example');
    expect(headers['x-real-ip']).not.toBe('6.6.6.6');
  });
});
