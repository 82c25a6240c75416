import { beforeAll, describe, expect, it } from 'vitest';
import { backend, CookieJar, login, rawRequest } from '../helpers/client';

/** Nothing outside the configured backend base path is reachable through /api/backend. */
describe('path traversal through /api/backend', () => {
  const jar = new CookieJar();
  beforeAll(() => login(jar));

  it.each([
    '/api/backend/../__test/stats',
    '/api/backend/%2e%2e/__test/stats',
    '/api/backend/%2E%2e/__test/stats',
    '/api/backend/echo/%2e%2e%2f%2e%2e%2f__test/stats',
    '/api/backend/echo/..%2f..%2f__test/stats',
    '/api/backend/echo/..%5c..%5c__test/stats',
    '/api/backend/echo/%252e%252e/x',
    '/api/backend/echo/a%00b',
    '/api/backend/echo/a%2fb',
    '/api/backend//__test/stats',
    '/api/backend/echo//x',
    '/api/backend\\..\\__test/stats',
    '/api/backend/.%2e/__test/stats',
    '/api/backend/echo/%c0%ae%c0%ae/x',
  ])('%s', async (path) => {
    const before = await backend.stats();
    const res = await rawRequest(path, { cookie: jar.header() });
    expect(res.status).not.toBe(500);
    if (res.status === 200) {
      // Only the echo route may answer, with its own prefix, and the odd bytes still inside one segment.
      const echoed = JSON.parse(res.body).path as string;
      expect(echoed.startsWith('/echo/')).toBe(true);
      expect(echoed.split('/').filter((s) => s === '..' || s === '.')).toEqual([]);
    } else if (res.status === 400) {
      expect(JSON.parse(res.body).error).toBe('path_rejected');
    } else {
      // Next's own normalisation: 404 when the path resolves outside /api/backend, 308 for `//`.
      expect([308, 404]).toContain(res.status);
    }
    const after = await backend.stats();
    expect(res.body).not.toContain('refreshCalls'); // the test-hook stats route never answered through the proxy
    expect(after.loginCalls).toBe(before.loginCalls);
  });
});

/** Paths that some backend would resolve differently from us: refused before anything is sent. */
describe('paths a backend could resolve elsewhere → 400 JSON', () => {
  const jar = new CookieJar();
  beforeAll(() => login(jar));

  it.each([
    '/api/backend/echo/..;/__test/stats',
    '/api/backend/echo/%2e%2e;x=1/__test/stats',
    '/api/backend/echo/%252e%252e/__test/stats',
    '/api/backend/echo/a%252fb',
    '/api/backend/echo/%EF%BC%8E%EF%BC%8E/__test/stats',
    '/api/backend/echo/a%EF%BC%8Fb',
    '/api/backend/echo/a%E2%88%95b',
    '/api/backend/echo/%E2%80%A4%E2%80%A4/__test/stats',
  ])('%s', async (path) => {
    const before = (await backend.stats()).echoCalls;
    const res = await rawRequest(path, { cookie: jar.header() });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toBe('path_rejected');
    expect((await backend.stats()).echoCalls).toBe(before);
  });
});
