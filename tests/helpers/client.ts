import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { inject } from 'vitest';

/** A minimal browser-like cookie jar: stores what Set-Cookie says, sends it back. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || attrs.some((a) => /^\s*expires=.*1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  clone(): CookieJar {
    const jar = new CookieJar();
    for (const [k, v] of this.cookies) jar.cookies.set(k, v);
    return jar;
  }
}

export const appUrl = () => inject('appUrl');
export const backendUrl = () => inject('backendUrl');

export interface BackendStats {
  loginCalls: number;
  refreshCalls: number;
  logoutCalls: number;
  echoCalls: number;
}

export interface Credentials {
  email: string;
  password: string;
}

/** Test clients for one running app + backend pair (the shared one, or a preset's own). */
export function clientFor(urls: { app: () => string; backend: () => string; origin?: () => string }) {
  /** The app's public origin (its APP_URL): where the browser's pages are, also when `app` is reached another way. */
  const sameOrigin = () => ({ origin: (urls.origin ?? urls.app)() });

  /** A request to the running app; never follows redirects, so tests see them. */
  async function app(path: string, init: RequestInit & { jar?: CookieJar } = {}): Promise<Response> {
    const { jar, headers, ...rest } = init;
    const h = new Headers(headers);
    if (jar && jar.cookies.size && !h.has('cookie')) h.set('cookie', jar.header());
    const res = await fetch(urls.app() + path, { redirect: 'manual', ...rest, headers: h });
    jar?.store(res);
    return res;
  }

  /** The example backend's test hooks. */
  const backend = {
    async post(path: string, body: unknown = {}): Promise<unknown> {
      const res = await fetch(urls.backend() + path, { method: 'POST', body: JSON.stringify(body) });
      return res.json();
    },
    reset: () => backend.post('/__test/reset'),
    configure: (settings: { accessTtlSeconds?: number; refreshDelayMs?: number; refreshFailures?: number; refreshStatus?: number; jwksDown?: boolean }) =>
      backend.post('/__test/config', settings),
    async stats(): Promise<BackendStats> {
      return (await fetch(`${urls.backend()}/__test/stats`)).json() as Promise<BackendStats>;
    },
  };

  /** A test user of its own, so tests never share a refresh-token family. */
  async function newUser(): Promise<Credentials> {
    const user = { email: `u-${randomUUID()}@example.com`, password: 'test-password' };
    await backend.post('/__test/users', user);
    return user;
  }

  async function login(jar: CookieJar, user?: Credentials): Promise<Response> {
    const creds = user ?? (await newUser());
    const res = await app('/api/auth/login', {
      method: 'POST',
      jar,
      headers: { 'content-type': 'application/json', ...sameOrigin() },
      body: JSON.stringify(creds),
    });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    return res;
  }

  return { app, backend, newUser, login, sameOrigin };
}

export const { app, backend, newUser, login, sameOrigin } = clientFor({ app: appUrl, backend: backendUrl });

export function sessionCookieName(jar: CookieJar): string | undefined {
  return [...jar.cookies.keys()].find((k) => k.replace(/^__Host-/, '').startsWith('bff_session'));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `path` byte for byte (fetch would normalise `..` and `%2e%2e` before sending). */
export function rawRequest(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(appUrl());
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A browser's navigation: node:http, since fetch sets its own Sec-Fetch-Mode (cors). */
export function navigate(url: string, cookie = ''): Promise<Response> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { 'sec-fetch-mode': 'navigate', accept: 'text/html', ...(cookie ? { cookie } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        resolve(new Response(res.statusCode === 204 || res.statusCode === 304 ? null : Buffer.concat(chunks), { status: res.statusCode, headers }));
      });
    })
      .on('error', reject)
      .end();
  });
}
