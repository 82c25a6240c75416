/**
 * `next-edge-bff/testing`: for an app's own tests (Playwright, vitest), signed in without a real backend. Node only.
 * - `sessionCookie()`: a session cookie sealed with the app's own SESSION_SECRET, as a sign-in would have set it.
 * - `startFakeBackend()`: a small HTTP server standing in for the API, checking the bearer the BFF attaches.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Env } from './config/load.ts';
import { parseBool } from './config/parse-values.ts';
import { sealSession } from './session/codec.ts';
import { planSessionCookies } from './session/cookie-writes.ts';
import { keyringFor } from './session/keys.ts';
import type { Session, User } from './session/types.ts';

export interface SessionCookieOptions {
  user: User;
  /** The bearer the BFF will attach (default `test-access-token`); give the fake backend the same. */
  accessToken?: string;
  /** Seconds the access token lives (default 3600). */
  expiresIn?: number;
  /** Without one (the default), the session ends when the access token expires: nothing ever calls a refresh. */
  refreshToken?: string;
  /** The environment the app runs with (default `process.env`): its SESSION_SECRET and cookie settings decide the cookie. */
  env?: Env;
  /**
   * Whether the app under test uses Secure (`__Host-`) cookies. Default: as that environment's `COOKIE_SECURE` says,
   * else true, as under `next start` (which always runs with NODE_ENV=production, whatever the test process has);
   * `false` for an app under `next dev`.
   */
  secure?: boolean;
}

export interface TestSessionCookie {
  /** One entry per cookie (large sessions take several), for Playwright's `context.addCookies` or a cookie jar. */
  cookies: { name: string; value: string }[];
  /** The same as a `Cookie` request header. */
  header: string;
}

let warned = false;

/**
 * A session cookie for `user`, sealed exactly as a sign-in seals it (cookie mode; server mode keeps sessions in the store).
 * Whoever holds SESSION_SECRET can mint a session for anyone this way: run it with a test-only secret, never the
 * production one (it says so once when the environment it reads is NODE_ENV=production).
 */
export async function sessionCookie(options: SessionCookieOptions): Promise<TestSessionCookie> {
  const env = options.env ?? process.env;
  if (env.NODE_ENV === 'production' && !warned) {
    warned = true;
    console.warn('next-edge-bff/testing: sessionCookie() signs anyone in with this SESSION_SECRET. Use a test-only secret, never your production one.');
  }
  // The cookie is named for the server that reads it, not for the test process's own NODE_ENV.
  const secure = options.secure ?? (env.COOKIE_SECURE === undefined ? true : undefined);
  if (options.secure !== undefined && env.COOKIE_SECURE !== undefined && parseBool(env.COOKIE_SECURE.trim(), 'COOKIE_SECURE', options.secure, []) !== options.secure) {
    console.warn(`next-edge-bff/testing: sessionCookie({ secure: ${options.secure} }) contradicts the environment's COOKIE_SECURE: the app will not read this cookie.`);
  }
  // Only the secret and the cookie settings matter here: the rest is filled in so the app's own rules can run.
  const config = loadConfig({
    BACKEND_URL: 'http://backend.invalid',
    APP_URL: 'http://localhost:3000',
    ...env,
    ...(secure === undefined ? {} : { COOKIE_SECURE: String(secure) }),
  });
  const now = Date.now();
  const accessExpiresAt = now + (options.expiresIn ?? 3600) * 1000;
  const session: Session = {
    sid: crypto.randomUUID(),
    accessToken: options.accessToken ?? 'test-access-token',
    refreshToken: options.refreshToken,
    accessIssuedAt: now,
    accessExpiresAt,
    refreshExpiresAt: options.refreshToken ? now + config.defaultRefreshTtlMs : accessExpiresAt,
    signedInAt: now,
    user: options.user,
  };
  const sealed = await sealSession(session, await keyringFor(config.secrets));
  const cookies = planSessionCookies(config.cookie, sealed, session.refreshExpiresAt, []).map(({ name, value }) => ({ name, value }));
  return { cookies, header: cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}

export interface FakeRequest {
  method: string;
  /** Path and query, as the BFF sent them. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type FakeAnswer = { status?: number; body?: unknown; headers?: Record<string, string> };

export interface FakeBackendOptions {
  /** `"GET /notes"` → an answer, or a function of the request returning one. Anything else: 404 JSON. */
  routes?: Record<string, FakeAnswer | ((req: FakeRequest) => FakeAnswer | Promise<FakeAnswer>)>;
  /** When set, requests without `Authorization: Bearer <accessToken>` get 401, as a real API would answer. */
  accessToken?: string;
  /** Default 0: a free port. */
  port?: number;
}

export interface FakeBackend {
  /** The BACKEND_URL to start the app with. */
  url: string;
  /** Every request received, in order. */
  requests: FakeRequest[];
  stop(): Promise<void>;
}

/** Starts a stand-in API on 127.0.0.1 for the app under test to call through `/api/backend` and `backendFetch()`. */
export async function startFakeBackend(options: FakeBackendOptions = {}): Promise<FakeBackend> {
  const requests: FakeRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: FakeRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    requests.push(request);
    const route = options.routes?.[`${request.method} ${request.path.split('?')[0]}`];
    let answer: FakeAnswer;
    if (options.accessToken && req.headers.authorization !== `Bearer ${options.accessToken}`) answer = { status: 401, body: { message: 'Unauthenticated.' } };
    else if (!route) answer = { status: 404, body: { message: 'Not found.' } };
    else answer = typeof route === 'function' ? await route(request) : route;
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...answer.headers });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
