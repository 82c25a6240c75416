import { beforeAll, describe, expect, it } from 'vitest';
import { app, CookieJar, login, rawRequest, sameOrigin } from '../helpers/client';

interface Echo {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  bodyLength: number;
}

describe('/api/backend/* proxy', () => {
  const jar = new CookieJar();
  beforeAll(async () => {
    await login(jar);
    jar.cookies.set('analytics', 'abc');
  });

  it('GET reaches the backend path and query with the bearer, without the browser cookies or Authorization', async () => {
    const res = await app('/api/backend/echo/items?a=1&b=x%20y', { jar, headers: { authorization: 'Bearer forged' } });
    expect(res.status).toBe(200);
    const echo = (await res.json()) as Echo;
    expect(echo.path).toBe('/echo/items');
    // Next re-serialises the query before middleware sees it (`%20` → `+`): equal once decoded.
    expect(Object.fromEntries(new URLSearchParams(echo.query))).toEqual({ a: '1', b: 'x y' });
    expect(echo.headers.authorization).toMatch(/^Bearer eyJ/);
    expect(echo.headers.authorization).not.toBe('Bearer forged');
    expect(echo.headers.cookie).toBeUndefined();
    expect(JSON.stringify(echo.headers)).not.toContain('bff_session');
  });

  it('POST with a body from our own origin is forwarded with the bearer', async () => {
    const res = await app('/api/backend/notes', {
      method: 'POST',
      jar,
      headers: { 'content-type': 'application/json', ...sameOrigin() },
      body: JSON.stringify({ text: 'hello from the proxy' }),
    });
    expect(res.status).toBe(201);
    expect((await res.json()).data.text).toBe('hello from the proxy');
    const list = await (await app('/api/backend/notes', { jar })).json();
    expect(list.data.map((n: { text: string }) => n.text)).toContain('hello from the proxy');
  });

  it('Sec-Fetch-Site: same-origin without Origin is accepted', async () => {
    const res = await app('/api/backend/echo/x', { method: 'DELETE', jar, headers: { 'sec-fetch-site': 'same-origin' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Echo).method).toBe('DELETE');
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('cross-site %s is refused with 403 JSON', async (method) => {
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, {}] as Record<string, string>[]) {
      const res = await app('/api/backend/echo/x', { method, jar, headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
      expect(res.status).toBe(403);
      expect((await res.json()).error).toBe('csrf_rejected');
    }
  });

  it.each([
    '/api/backend/../__test/stats',
    '/api/backend/%2e%2e/__test/stats',
    '/api/backend/echo/%2e%2e%2f%2e%2e%2f__test/stats',
    '/api/backend/echo/%2E%2E/%2E%2E/__test/stats',
    '/api/backend/echo/..%5c..%5c__test/stats',
    '/api/backend/echo/a%00b',
    '/api/backend/echo/a%2fb',
    '/api/backend//__test/stats',
    '/api/backend/echo//x',
    '/api/backend\\..\\__test/stats',
  ])('path %s never reaches anything outside the backend base path', async (path) => {
    const res = await rawRequest(path, { cookie: jar.header() });
    expect(res.status).not.toBe(500);
    if (res.status === 200) {
      // Only the echo route may answer, and only under its own prefix.
      expect(JSON.parse(res.body).path).toMatch(/^\/echo\//);
    } else if (res.status === 400) {
      expect(JSON.parse(res.body).error).toBe('path_rejected');
    } else {
      // Next's own normalisation (404 for paths resolved outside /api/backend, 308 for `//`).
      expect([308, 404]).toContain(res.status);
      expect(res.body).not.toContain('refreshCalls');
    }
  });

  it('a backend path that looks like a file still goes through the middleware', async () => {
    const res = await app('/api/backend/echo/report.csv', { jar });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Echo).headers.authorization).toMatch(/^Bearer /);
  });
});
