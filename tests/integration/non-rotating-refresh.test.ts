import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, CookieJar, sleep } from '../helpers/client';
import { startDjangoStack, type DjangoStack } from '../helpers/django';
import { appDirFor, RUNTIMES } from '../helpers/proxy-ts';
import { upstashEnv } from '../helpers/stack';

const DEMO = { email: 'demo@example.com', password: 'demo-password' };

/**
 * SimpleJWT's default (ROTATE_REFRESH_TOKENS off) hands the same refresh token back at every refresh. With a store,
 * the redeemed token used to be marked spent, so the second refresh after the grace window could never run: every
 * API call answered 503 once the access token expired. Real Django under gunicorn, a store on each runtime
 * (Upstash REST on the edge, redis-server over TCP on Node), 2 s access tokens, a 1 s grace window.
 */
describe.each(RUNTIMES)('a backend that never rotates its refresh token, with a store (%s)', (runtime) => {
  let stack: DjangoStack;
  beforeAll(async () => {
    const store = runtime === 'Node proxy.ts' ? { REDIS_URL: inject('redisUrl') } : upstashEnv();
    stack = await startDjangoStack({ ACCESS_SECONDS: '2', ROTATE_REFRESH: '0' }, { REFRESH_SKEW_SECONDS: '1', REFRESH_GRACE_SECONDS: '1', ...store }, appDirFor(runtime));
  });
  afterAll(() => stack?.stop());

  it('refreshes the same token again and again: five refreshes in a row, every call 200, nobody signed out', async () => {
    const c = clientFor({ app: () => stack.appUrl, backend: () => stack.djangoUrl });
    const jar = new CookieJar();
    await c.login(jar, DEMO);
    let refreshes = 0;
    for (let i = 0; i < 5; i++) {
      await sleep(2_100);
      const res = await c.app('/api/backend/api/echo/', { jar, headers: c.sameOrigin() });
      expect(res.status, `call ${i + 1}`).toBe(200);
      if (res.headers.getSetCookie().some((cookie) => cookie.startsWith('__Host-bff_session'))) refreshes++;
    }
    expect(refreshes).toBe(5);
  });
});
