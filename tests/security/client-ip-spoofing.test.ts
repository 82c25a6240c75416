import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startApp, startBackend, startServer, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
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

/**
 * `npm start` (scripts/start.mjs) on a directly exposed port: the per-IP login limit counts the TCP peer, whatever
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

  it('start-up: no warning under `npm start`; plain `next start` with TRUSTED_PROXY_COUNT=0 outside Vercel warns', async () => {
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
