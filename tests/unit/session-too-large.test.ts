import { describe, expect, it } from 'vitest';
import { handle } from '@/edge/handle';
import { envelopeGrant, fakeFetch, request, runtime } from '../helpers/unit';

/** Logs in against a backend whose access token is `size` characters long. */
async function loginWithToken(size: number) {
  const rt = await runtime({ fetch: fakeFetch(() => envelopeGrant('x'.repeat(size), 'refresh-2')).fetch });
  const res = await handle(
    request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000', host: 'localhost:3000' },
      body: JSON.stringify({ email: 'demo@example.com', password: 'pw' }),
    }),
    rt,
  );
  return { rt, res };
}

/** Writing and reading share one limit: a session that could not be read back is never written. */
describe('a session too large for the cookie limit', () => {
  it('is refused at login with a clear error and no cookie', async () => {
    const { res } = await loginWithToken(40_000);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: 'session_too_large' });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('a large session that fits is written in chunks and read back', async () => {
    const { rt, res } = await loginWithToken(20_000);
    expect(res.status).toBe(200);
    const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
    expect(cookies.length).toBeGreaterThan(1);
    const page = await handle(request('/api/auth/session', { headers: { cookie: cookies.join('; ') } }), rt);
    expect(page.headers.get('location')).toBeNull();
    expect(page.headers.getSetCookie()).toEqual([]);
  });
});
