import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startApp, startBackend, startServer, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
import { clientFor, CookieJar } from '../helpers/client';
import { SESSION_SECRET } from '../helpers/global-setup';

/** A login attempt from a chosen loopback source address, with whatever forwarding headers the client forges. */
function attemptFrom(source: string, port: number, forged: Record<string, string>): Promise<number> {
  const body = JSON.stringify({ email: `nobody-${Math.random()}@example.com`, password: 'wrong' });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        localAddress: source,
        method: 'POST',
        path: '/api/auth/login',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), origin: `http://127.0.0.1:${port}`, ...forged },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** GET /api/backend/echo from a chosen source address: the headers the backend received. */
function echoFrom(source: string, port: number, cookie: string, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, localAddress: source, path: '/api/backend/echo', headers: { cookie, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body).headers) : reject(new Error(`echo answered ${res.statusCode}: ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

const FORGED = { 'x-forwarded-for': '203.0.113.99', 'x-real-ip': '203.0.113.99', forwarded: 'for=203.0.113.99', 'x-forwarded-host': 'evil.example' };

describe('the client address the backend is told: only one that was established', () => {
  let backend: Proc;
  let backendUrl: string;
  const servers: Proc[] = [];
  beforeAll(async () => {
    const backendPort = await freePort();
    backendUrl = `http://127.0.0.1:${backendPort}`;
    backend = startBackend(backendPort, { TEST_HOOKS: '1' });
    await waitForHttp(`${backendUrl}/__test/stats`, 15_000, backend);
  });
  afterAll(() => Promise.all([...servers, backend].map((p) => p?.stop())));

  async function signedIn(start: typeof startApp, env: Record<string, string> = {}) {
    const port = await freePort();
    const server = start(port, { BACKEND_URL: backendUrl, SESSION_SECRET, ...env });
    servers.push(server);
    await waitForHttp(`http://127.0.0.1:${port}/`, 30_000, server);
    const client = clientFor({ app: () => `http://127.0.0.1:${port}`, backend: () => backendUrl });
    const jar = new CookieJar();
    await client.login(jar);
    return { port, cookie: jar.header() };
  }

  it('plain `next start` (nothing establishes it): no X-Forwarded-For, X-Real-IP or Forwarded at all, and the host is APP_URL', async () => {
    const { port, cookie } = await signedIn(startApp);
    const seen = await echoFrom('127.0.0.1', port, cookie, FORGED);
    expect(seen['x-forwarded-for']).toBeUndefined();
    expect(seen['x-real-ip']).toBeUndefined();
    expect(seen.forwarded).toBeUndefined();
    expect(seen['x-forwarded-host']).toBe(`127.0.0.1:${port}`);
    expect(JSON.stringify(seen)).not.toMatch(/203\.0\.113\.99|evil\.example/);
  });

  it('`next-edge-bff start`: the socket address; behind a trusted proxy, the address that proxy saw', async () => {
    const exposed = await signedIn(startServer);
    const direct = await echoFrom('127.0.0.4', exposed.port, exposed.cookie, FORGED);
    expect(direct['x-forwarded-for']).toBe('127.0.0.4');
    expect(direct['x-real-ip']).toBe('127.0.0.4');
    expect(direct.forwarded).toContain('for=127.0.0.4');
    expect(JSON.stringify(direct)).not.toMatch(/203\.0\.113\.99|evil\.example/);
    // One proxy in front (it appended the client it saw): that client, not the proxy's one address for everyone.
    const proxied = await signedIn(startServer, { TRUSTED_PROXY_COUNT: '1' });
    const behind = await echoFrom('127.0.0.5', proxied.port, proxied.cookie, { 'x-forwarded-for': '203.0.113.7, 198.51.100.20' });
    expect(behind['x-forwarded-for']).toBe('198.51.100.20');
  });
});

/**
 * `npm start` (`next-edge-bff start`) on a directly exposed port: the per-IP login limit counts the TCP peer, whatever
 * X-Forwarded-For, X-Real-IP or Forwarded the client sends. Linux routes all of 127.0.0.0/8 to loopback, so each
 * source address below is a different client.
 */
describe('a directly exposed server: the client IP comes from the socket', () => {
  let server: Proc;
  let backend: Proc;
  let port: number;
  beforeAll(async () => {
    const backendPort = await freePort();
    port = await freePort();
    backend = startBackend(backendPort, { TEST_HOOKS: '1' });
    server = startServer(port, { BACKEND_URL: `http://127.0.0.1:${backendPort}`, SESSION_SECRET });
    await Promise.all([waitForHttp(`http://127.0.0.1:${backendPort}/__test/stats`, 15_000, backend), waitForHttp(`http://127.0.0.1:${port}/`, 30_000, server)]);
  });
  afterAll(() => Promise.all([server?.stop(), backend?.stop()]));

  it('forged forwarding headers change nothing: the 11th attempt from one address is refused, another address is not', async () => {
    for (let i = 0; i < 10; i++) {
      const forged = { 'x-forwarded-for': `203.0.113.${i}`, 'x-real-ip': `198.51.100.${i}`, forwarded: `for=192.0.2.${i}` };
      expect(await attemptFrom('127.0.0.2', port, forged)).toBe(401);
    }
    expect(await attemptFrom('127.0.0.2', port, { 'x-forwarded-for': '203.0.113.250' })).toBe(429);
    expect(await attemptFrom('127.0.0.3', port, { 'x-forwarded-for': '127.0.0.2' })).toBe(401);
  });

  it('start-up: no warning under `next-edge-bff start`; plain `next start` with TRUSTED_PROXY_COUNT=0 outside Vercel warns', async () => {
    expect(server.output()).not.toContain('TRUSTED_PROXY_COUNT=0');
    const plainPort = await freePort();
    const plain = startApp(plainPort, { BACKEND_URL: 'http://127.0.0.1:9', SESSION_SECRET });
    try {
      await waitForHttp(`http://127.0.0.1:${plainPort}/`, 30_000, plain);
      expect(plain.output()).toContain('Warning: TRUSTED_PROXY_COUNT=0 outside Vercel');
    } finally {
      await plain.stop();
    }
  });
});
