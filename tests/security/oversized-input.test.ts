import { describe, expect, it } from 'vitest';
import { app, backend, CookieJar, login, sameOrigin, sessionCookieName } from '../helpers/client';

/** A request body of `megabytes` MiB sent as a stream, so without a Content-Length. */
function streamed(megabytes: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(1024 * 1024);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ >= megabytes) return controller.close();
      controller.enqueue(chunk);
    },
  });
}

describe('oversized input gets a clear answer, never a 500 or a reset', () => {
  it('an oversized Cookie header: refused by the server with 431, no 500', async () => {
    const res = await app('/dashboard', { headers: { cookie: `junk=${'x'.repeat(20_000)}` } });
    expect(res.status).toBe(431);
  });

  it('a session over 4 KB is chunked into cookies under the browser limit, and reassembled', async () => {
    const user = { email: `big-${Date.now()}@example.com`, password: 'pw-1234567', name: `Name ${'n'.repeat(5_000)}` };
    await backend.post('/__test/users', user);
    const jar = new CookieJar();
    const res = await login(jar, user);
    const cookies = res.headers.getSetCookie().filter((c) => c.includes('bff_session'));
    expect(cookies.length).toBeGreaterThan(1);
    expect(cookies.every((c) => c.length < 4_096)).toBe(true);
    expect([...jar.cookies.keys()].filter((k) => k.includes('bff_session')).sort()).toEqual(cookies.map((_, i) => `__Host-bff_session.${i}`).sort());
    expect((await (await app('/api/auth/session', { jar })).json()).user.name).toBe(user.name);
    expect((await app('/api/backend/notes', { jar })).status).toBe(200);

    // Logging out clears every chunk.
    await app('/api/auth/logout', { method: 'POST', jar, headers: sameOrigin() });
    expect(sessionCookieName(jar)).toBeUndefined();
  });

  it('a login body over 16 KB → 413 JSON', async () => {
    const res = await app('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sameOrigin() },
      body: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(20_000) }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toBe('payload_too_large');
  });

  describe('/api/backend uploads', () => {
    const jar = new CookieJar();
    const limit = 10 * 1024 * 1024;

    it('within the limit, the backend receives every byte', async () => {
      await login(jar);
      const res = await app('/api/backend/echo/upload', { method: 'POST', jar, headers: sameOrigin(), body: new Uint8Array(3 * 1024 * 1024) });
      expect(res.status).toBe(200);
      expect((await res.json()).bodyLength).toBe(3 * 1024 * 1024);
    });

    it('beyond the limit with a Content-Length: 413 JSON before anything is sent upstream', async () => {
      const before = (await backend.stats()).echoCalls;
      const res = await app('/api/backend/echo/upload', { method: 'POST', jar, headers: sameOrigin(), body: new Uint8Array(limit + 1024) });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
      expect((await backend.stats()).echoCalls).toBe(before);
    });

    it('streamed without a length within the limit: arrives whole, with a Content-Length', async () => {
      const res = await app('/api/backend/echo/upload', { method: 'POST', jar, headers: sameOrigin(), body: streamed(2), duplex: 'half' } as RequestInit);
      expect(res.status).toBe(200);
      expect((await res.json()).bodyLength).toBe(2 * 1024 * 1024);
    });

    it('streamed without a length beyond the limit: 413 JSON, never a truncated body upstream', async () => {
      const before = (await backend.stats()).echoCalls;
      const res = await app('/api/backend/echo/upload', { method: 'POST', jar, headers: sameOrigin(), body: streamed(12), duplex: 'half' } as RequestInit);
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
      expect((await backend.stats()).echoCalls).toBe(before);
    });

    it('exactly at the limit: forwarded whole; one byte over: 413', async () => {
      const at = await app('/api/backend/echo/upload', { method: 'POST', jar, headers: sameOrigin(), body: new Uint8Array(limit) });
      expect(at.status).toBe(200);
      expect((await at.json()).bodyLength).toBe(limit);
      const over = await app('/api/backend/echo/upload', { method: 'POST', jar, headers: sameOrigin(), body: new Uint8Array(limit + 1) });
      expect(over.status).toBe(413);
    });
  });
});
