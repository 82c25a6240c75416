import { beforeAll, describe, expect, it } from 'vitest';
import { openSession } from '@/edge/session/codec';
import { keyringFor } from '@/edge/session/keys';
import { joinChunks } from '@/edge/session/chunks';
import { app, backend, backendUrl, CookieJar, login, sameOrigin, sessionCookieName, sleep } from '../helpers/client';
import { SESSION_SECRET } from '../helpers/global-setup';

interface Echo {
  headers: Record<string, string>;
}

/** The tokens inside the jar's session cookie, read the way only the server can. */
async function tokensOf(jar: CookieJar): Promise<string[]> {
  const value = joinChunks((n) => jar.cookies.get(n), { name: '__Host-bff_session', secure: true, chunkSize: 3500, maxBytes: 12 * 1024 })!;
  const session = await openSession(value, await keyringFor([SESSION_SECRET]));
  return [session!.accessToken, session!.refreshToken!];
}

describe('credentials never leak', () => {
  const jar = new CookieJar();
  beforeAll(async () => {
    await login(jar);
    jar.cookies.set('analytics', 'abc123');
  });

  it('the backend never receives browser cookies, the session cookie or a client Authorization', async () => {
    for (const init of [
      { method: 'GET' },
      { method: 'POST', body: '{"x":1}', headers: { 'content-type': 'application/json', ...sameOrigin() } },
    ]) {
      const res = await app('/api/backend/echo/leak', { ...init, jar, headers: { ...init.headers, authorization: 'Basic Zm9yZ2VkOg==', 'proxy-authorization': 'Basic eA==' } });
      const { headers } = (await res.json()) as Echo;
      expect(headers.cookie).toBeUndefined();
      expect(headers['proxy-authorization']).toBeUndefined();
      expect(headers.authorization).toBe(`Bearer ${(await tokensOf(jar))[0]}`);
      expect(JSON.stringify(headers)).not.toMatch(/bff_session|abc123|set-cookie/i);
    }
  });

  it('client-sent x-middleware-* headers are dropped, and the CVE-2025-29927 bypass header does nothing', async () => {
    const res = await app('/api/backend/echo/internal', {
      jar,
      headers: { 'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware', 'x-middleware-prefetch': '1', 'x-middleware-override-headers': 'cookie' },
    });
    const { headers } = (await res.json()) as Echo;
    expect(Object.keys(headers).filter((h) => h.startsWith('x-middleware-'))).toEqual([]);
    expect(headers.cookie).toBeUndefined();
    for (const sub of ['middleware', 'middleware:middleware:middleware:middleware:middleware', 'src/middleware:src/middleware:src/middleware:src/middleware:src/middleware']) {
      const bypass = await app('/dashboard', { headers: { 'x-middleware-subrequest': sub } });
      expect(bypass.status).toBe(307); // still protected
      const api = await app('/api/backend/notes', { headers: { 'x-middleware-subrequest': sub } });
      expect(api.status).toBe(401);
    }
  });

  it("the backend's address appears in no response header, whatever the answer", async () => {
    const { host } = new URL(backendUrl());
    for (const path of ['/api/backend/notes', '/api/backend/echo/broken?status=500', '/api/backend/echo/x', '/api/backend/missing']) {
      const res = await app(path, { jar });
      const all = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
      expect(all).not.toContain(host);
      expect(res.headers.get('x-middleware-rewrite')).toBeNull();
    }
  });

  it('no token appears in any body or header the client receives, across a whole journey with a refresh', async () => {
    await backend.configure({ accessTtlSeconds: 1 });
    const j = new CookieJar();
    const seen: string[] = [];
    const record = async (res: Response) => {
      const headers = [...res.headers.entries()].filter(([k]) => k !== 'set-cookie');
      seen.push(JSON.stringify(headers), await res.text());
    };
    await record(await login(j));
    const tokens = await tokensOf(j);
    await backend.configure({ accessTtlSeconds: 3600 });
    await sleep(1100);
    for (const path of ['/', '/dashboard', '/api/auth/session', '/api/backend/notes', '/login', '/dashboard']) await record(await app(path, { jar: j }));
    const refreshed = await tokensOf(j);
    expect(refreshed[0]).not.toBe(tokens[0]); // a refresh happened on the way
    await record(await app('/api/backend/notes', { method: 'POST', jar: j, headers: { 'content-type': 'application/json', ...sameOrigin() }, body: '{"text":"n"}' }));
    await record(await app('/api/auth/logout', { method: 'POST', jar: j, headers: sameOrigin() }));
    const everything = seen.join('\n');
    for (const token of [...tokens, ...refreshed]) expect(everything).not.toContain(token);
    expect(sessionCookieName(j)).toBeUndefined();
  });
});
