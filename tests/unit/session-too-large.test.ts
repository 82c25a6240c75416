import { describe, expect, it } from 'vitest';
import { authRoute } from '@/edge/auth/routes';
import { handle } from '@/edge/handle';
import { MemoryStore } from '../helpers/memory-store';
import { envelopeGrant, fakeFetch, request, runtime } from '../helpers/unit';

/** Logs in against a backend whose access token is `size` characters long. */
async function loginWithToken(size: number, env: Record<string, string> = {}) {
  const rt = await runtime({ env, store: env.SESSION_MODE ? new MemoryStore() : undefined, fetch: fakeFetch(() => envelopeGrant('x'.repeat(size), 'refresh-2')).fetch });
  const res = await authRoute(
    request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000', host: 'localhost:3000' },
      body: JSON.stringify({ email: 'demo@example.com', password: 'pw' }),
    }),
    rt,
  );
  return { rt, res };
}

/** What the cookies of a response cost a later request (`name=value; …`), the figure servers limit. */
const requestBytes = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ').length;

/** Writing and reading share one limit, 12 KB of Set-Cookie in all: Node refuses request headers over 16 KB (431). */
describe('a session too large for the cookie limit', () => {
  it('is refused at login with an error that points to server mode, and no cookie', async () => {
    const { res } = await loginWithToken(13_000);
    expect(res.status).toBe(502);
    const body = await res.json();
    expect(body).toMatchObject({ error: 'session_too_large' });
    expect(body.message).toMatch(/of at most 12288 bytes.*SESSION_MODE=server/);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('a large session that fits is written in chunks within the budget and read back', async () => {
    const { rt, res } = await loginWithToken(6_000);
    expect(res.status).toBe(200);
    const setCookies = res.headers.getSetCookie();
    expect(setCookies.length).toBeGreaterThan(1);
    expect(setCookies.join('').length).toBeLessThanOrEqual(12 * 1024);
    const cookies = setCookies.map((c) => c.split(';')[0]);
    const page = await handle(request('/api/auth/session', { headers: { cookie: cookies.join('; ') } }), rt);
    expect(page.headers.get('location')).toBeNull();
    expect(page.headers.getSetCookie()).toEqual([]);
  });

  it('no size of backend answer produces a cookie a server would answer with 431', async () => {
    for (const size of [1_000, 5_000, 8_000, 9_500, 10_000, 10_400, 11_000, 20_000]) {
      const { res } = await loginWithToken(size);
      expect(requestBytes(res)).toBeLessThanOrEqual(12 * 1024);
    }
  });

  it('in server mode the cookie stays small whatever the backend answers', async () => {
    const { res } = await loginWithToken(40_000, { SESSION_MODE: 'server', UPSTASH_REDIS_REST_URL: 'http://store.test', UPSTASH_REDIS_REST_TOKEN: 't', RATE_LIMIT_ON_ERROR: 'open' });
    expect(res.status).toBe(200);
    const [cookie] = res.headers.getSetCookie();
    expect(cookie.split(';')[0].split('=')[1].length).toBeLessThanOrEqual(200);
  });
});
