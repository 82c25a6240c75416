import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, CookieJar, sleep } from '../helpers/client';
import { startDjangoStack, type DjangoStack } from '../helpers/django';
import { appDirFor, RUNTIMES } from '../helpers/proxy-ts';

/** What the Django fixture's echo route saw (tests/fixtures/django-backend/app.py). */
interface Received {
  method: string;
  raw_uri: string;
  path: string;
  content_length: string | null;
  transfer_encoding: string | null;
  content_type: string | null;
  body_length: number;
  body_sha256: string;
  headers: Record<string, string>;
}

const DEMO = { email: 'demo@example.com', password: 'demo-password' };
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * `/api/backend` against a real Django REST framework + SimpleJWT API under gunicorn (WSGI): slash-terminated
 * routes, bodies read by Content-Length only, rotating refresh tokens. Every request runs twice: with a fresh
 * access token, and at the very moment a refresh happens (the token is past its skew, so the same request
 * refreshes the session and then forwards); and on both runtimes: the edge middleware (`fetch`) and `proxy.ts` on
 * Node (`node:http`, proxy/node-forwarder.ts).
 */
describe.each(
  RUNTIMES.flatMap((runtime) => [
    { when: 'outside a refresh', refreshing: false, runtime },
    { when: 'while the session is being refreshed', refreshing: true, runtime },
  ]),
)('a real Django API behind /api/backend ($runtime), $when', ({ refreshing, runtime }) => {
  let stack: DjangoStack;
  let c: ReturnType<typeof clientFor>;
  const jar = new CookieJar();
  const seenHeaders: string[] = [];

  beforeAll(async () => {
    // 3 s access tokens (effective skew 0.75 s, a quarter of their life): a request 2.6 s after the last refresh refreshes first.
    stack = await startDjangoStack({ ACCESS_SECONDS: refreshing ? '3' : '3600' }, { REFRESH_SKEW_SECONDS: '1' }, appDirFor(runtime));
    c = clientFor({ app: () => stack.appUrl, backend: () => stack.djangoUrl });
    await c.login(jar, DEMO);
  });
  afterAll(() => stack?.stop());

  /** A request through the app; while `refreshing`, made when the access token needs a refresh, and proven to have refreshed. */
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    if (refreshing) await sleep(2_600);
    const res = await c.app(path, { jar, ...init, headers: { ...c.sameOrigin(), ...(init.headers as Record<string, string>) } });
    seenHeaders.push(JSON.stringify([...res.headers]));
    const refreshed = res.headers.getSetCookie().some((cookie) => cookie.startsWith('__Host-bff_session'));
    expect(refreshed, 'the session was refreshed by this very request').toBe(refreshing);
    return res;
  }

  it('a slash-terminated route is reached as sent: no redirect, the bearer accepted', async () => {
    const res = await call('/api/backend/api/me/');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ username: DEMO.email });
  });

  it("Django's APPEND_SLASH redirect for a slash-less route points back under /api/backend", async () => {
    const res = await call('/api/backend/api/me');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/api/backend/api/me/');
  });

  it('a redirect to an absolute backend URL is mapped to the public prefix', async () => {
    const res = await call('/api/backend/api/redirect/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/api/backend/api/me/');
  });

  it('the path reaches the backend byte for byte: percent-encoding and trailing slash kept', async () => {
    const res = await call('/api/backend/api/echo/caf%C3%A9/a%2Bb/~x;v=1/?q=a%2Bb&r=%E2%9C%93');
    const got = (await res.json()) as Received;
    expect(got.raw_uri).toBe('/api/echo/caf%C3%A9/a%2Bb/~x;v=1/?q=a%2Bb&r=%E2%9C%93');
  });

  it('a JSON POST arrives whole with a Content-Length, and DRF accepts it', async () => {
    const body = JSON.stringify({ title: `note ${'x'.repeat(3_000)}` });
    const echo = (await (await call('/api/backend/api/echo/notes/', { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json()) as Received;
    expect(echo).toMatchObject({ method: 'POST', content_length: String(Buffer.byteLength(body)), transfer_encoding: null, body_sha256: sha256(body) });
    const created = await call('/api/backend/api/notes/', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(created.status).toBe(201);
    expect((await created.json()).title).toBe(JSON.parse(body).title);
  });

  it('a form POST, and PUT, PATCH and DELETE with bodies, arrive whole', async () => {
    const form = 'title=hello+world&tag=%C3%A9';
    const echo = (await (await call('/api/backend/api/echo/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form })).json()) as Received;
    expect(echo).toMatchObject({ content_length: String(form.length), body_sha256: sha256(form), content_type: 'application/x-www-form-urlencoded' });
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const body = JSON.stringify({ method });
      const got = (await (await call('/api/backend/api/echo/item/1/', { method, headers: { 'content-type': 'application/json' }, body })).json()) as Received;
      expect(got).toMatchObject({ method, content_length: String(body.length), body_sha256: sha256(body) });
    }
  });

  it('a multipart upload arrives whole and Django parses the file', async () => {
    const file = randomBytes(1024 * 1024 + 7);
    const form = new FormData();
    form.append('caption', 'holiday');
    form.append('photo', new Blob([file], { type: 'application/octet-stream' }), 'photo.bin');
    const res = await call('/api/backend/api/upload/', { method: 'POST', body: form });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ files: { photo: { size: file.length, sha256: sha256(file) } }, fields: { caption: 'holiday' } });
  });

  it('an empty POST arrives as Content-Length: 0', async () => {
    const got = (await (await call('/api/backend/api/echo/', { method: 'POST', body: '' })).json()) as Received;
    expect(got).toMatchObject({ content_length: '0', body_length: 0, transfer_encoding: null });
  });

  it('a body streamed by the client without a length still reaches WSGI with one', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ title: 'streamed' }));
    const body = new ReadableStream({ start: (ctl) => (ctl.enqueue(bytes), ctl.close()) });
    const got = (await (await call('/api/backend/api/echo/', { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit)).json()) as Received;
    expect(got).toMatchObject({ content_length: String(bytes.length), body_sha256: sha256(bytes), transfer_encoding: null });
  });

  it('204, 304 and HEAD pass through without a body', async () => {
    expect((await call('/api/backend/api/empty/')).status).toBe(204);
    const fresh = await call('/api/backend/api/etag/');
    expect(fresh.headers.get('etag')).toBe('"v1"');
    const cached = await call('/api/backend/api/etag/', { headers: { 'if-none-match': '"v1"' } });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe('');
    const head = await call('/api/backend/api/etag/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('Server-Sent Events stream through: the first event arrives long before the stream ends', async () => {
    const res = await call('/api/backend/api/events/', { headers: { accept: 'text/event-stream', 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const start = Date.now();
    const first = await reader.read();
    const firstAt = Date.now() - start;
    expect(new TextDecoder().decode(first.value)).toContain('id: 0');
    while (!(await reader.read()).done);
    const endAt = Date.now() - start;
    expect(endAt - firstAt).toBeGreaterThan(1_500);
  });

  it('the backend sees the BFF’s forwarding facts, never the client’s forgeries or a method override', async () => {
    const got = (await (
      await call('/api/backend/api/echo/', {
        method: 'POST',
        headers: {
          'x-forwarded-host': 'evil.example',
          'x-forwarded-proto': 'gopher',
          forwarded: 'for=6.6.6.6',
          'x-real-ip': '6.6.6.6',
          'x-http-method-override': 'DELETE',
        },
        body: '{}',
      })
    ).json()) as Received;
    expect(got.method).toBe('POST');
    expect(got.headers['x-http-method-override']).toBeUndefined();
    expect(got.headers['x-forwarded-host']).toBe(new URL(stack.appUrl).host);
    expect(got.headers['x-forwarded-proto']).toBe('http');
    // Plain `next start` with no trusted proxy: nothing established the client's address, so none is sent.
    expect(got.headers['x-forwarded-for']).toBeUndefined();
    expect(got.headers['x-real-ip']).toBeUndefined();
    expect(got.headers.forwarded).toBeUndefined();
    expect(got.headers.cookie).toBeUndefined();
    expect(got.headers.authorization).toMatch(/^Bearer eyJ/);
  });

  it("a backend that sends Next's internal headers or our cookie's name changes nothing for the browser", async () => {
    const before = jar.clone();
    const res = await call('/api/backend/api/hostile-headers/');
    expect(res.status).toBe(200);
    for (const name of res.headers.keys()) expect(name).not.toMatch(/^x-(middleware|nextjs)-/);
    const cookies = res.headers.getSetCookie();
    expect(cookies.some((cookie) => cookie.startsWith('csrftoken=from-django'))).toBe(true);
    expect(cookies.filter((cookie) => cookie.includes('evil'))).toEqual([]);
    if (!refreshing) expect(jar.cookies.get('__Host-bff_session')).toBe(before.cookies.get('__Host-bff_session'));
    expect((await c.app('/api/backend/api/me/', { jar })).status).toBe(200);
  });

  it('answers without a Cache-Control of their own are private', async () => {
    const res = await call('/api/backend/api/me/');
    expect(res.headers.get('cache-control')).toMatch(/private/);
  });

  it("the backend's address never reached the client in any of these answers", () => {
    expect(seenHeaders.length).toBeGreaterThan(10);
    const { host } = new URL(stack.djangoUrl);
    for (const headers of seenHeaders) expect(headers).not.toContain(host);
  });
});

describe('outside /api/backend paths and the backend deadline', () => {
  let stack: DjangoStack;
  beforeAll(async () => {
    stack = await startDjangoStack({}, { BACKEND_TIMEOUT_MS: '1500' });
  });
  afterAll(() => stack?.stop());

  it('/login/ → 308 → /login, with the query kept; a protocol-relative trick stays on this host', async () => {
    const res = await fetch(`${stack.appUrl}/login/?next=%2Fdashboard`, { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(new URL(res.headers.get('location')!, stack.appUrl).toString()).toBe(`${stack.appUrl}/login?next=%2Fdashboard`);
  });

  it('the backend deadline bounds the wait for an answer, not the stream after it: a 3 s event stream arrives whole', async () => {
    const c = clientFor({ app: () => stack.appUrl, backend: () => stack.djangoUrl });
    const jar = new CookieJar();
    await c.login(jar, DEMO);
    const res = await c.app('/api/backend/api/events/', { jar, headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.match(/^id: \d/gm)).toEqual(['id: 0', 'id: 1', 'id: 2']);
  });
});
