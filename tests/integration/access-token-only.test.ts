import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, CookieJar, sleep } from '../helpers/client';
import { startStack, type Stack } from '../helpers/stack';

/** A backend that issues only access tokens (Laravel Sanctum, devise-jwt): the session ends with the token. */
describe('an access-token-only backend', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ REFRESH_TOKENS: '0', ACCESS_TTL_SECONDS: '2' }, () => ({}));
  });
  afterAll(() => stack?.stop());

  it('login works; pages and the API work until the token expires; then a clean logout, no refresh attempted', async () => {
    const c = clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl });
    const jar = new CookieJar();
    await c.login(jar);
    expect((await c.app('/dashboard', { jar })).status).toBe(200);
    expect((await c.app('/api/backend/notes', { jar: jar.clone() })).status).toBe(200);
    await sleep(2_100);

    const api = await c.app('/api/backend/notes', { jar: jar.clone() });
    expect(api.status).toBe(401);
    expect((await api.json()).error).toBe('unauthenticated');
    const page = await c.app('/dashboard', { jar });
    expect(page.status).toBe(307);
    expect(page.headers.get('location')).toBe('/login?next=%2Fdashboard&reason=session_expired');
    expect([...jar.cookies.keys()].filter((name) => name.includes('bff_session'))).toEqual([]);
    expect((await c.backend.stats()).refreshCalls).toBe(0);
  });
});
