import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, type Proc } from '../../scripts/lib/processes.mjs';
import { clientFor, CookieJar, navigate, sleep } from '../helpers/client';
import { appDirFor } from '../helpers/proxy-ts';
import { startStack, type Stack } from '../helpers/stack';

/**
 * One `proxy.ts` instance with server-held sessions on the Redis at `port`, and `jar` signed in. A cold instance first
 * connects (through a slow store, several slow round trips): the fail-closed limiter may refuse a sign-in until then.
 */
async function serverModeOn(port: number, jar: CookieJar): Promise<{ stack: Stack; c: ReturnType<typeof clientFor> }> {
  await sleep(300);
  const stack = await startStack({}, () => ({ REDIS_URL: `redis://127.0.0.1:${port}`, SESSION_MODE: 'server' }), 1, appDirFor('Node proxy.ts'));
  const c = clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl });
  const user = await c.newUser();
  for (let attempt = 0; ; attempt++) {
    try {
      await c.login(jar, user);
      return { stack, c };
    } catch (error) {
      if (attempt >= 10) throw error;
      await sleep(1_000);
    }
  }
}

/**
 * A store that stops answering (SIGSTOP: connections stay open, nothing comes back, as a hung server or a network
 * partition looks) under server-held sessions, on proxy.ts with REDIS_URL: nobody is sent to the login page or loses
 * their cookie, navigations get an HTML 503 that retries, and the circuit breaker keeps requests fast.
 */
describe('a store paused for 10 s (server-held sessions, proxy.ts, REDIS_URL)', () => {
  let redis: Proc;
  let stack: Stack;
  let c: ReturnType<typeof clientFor>;
  const jar = new CookieJar();

  beforeAll(async () => {
    const port = await freePort();
    redis = startRedis(port);
    ({ stack, c } = await serverModeOn(port, jar));
  }, 60_000);
  afterAll(async () => {
    redis?.child.kill('SIGCONT');
    await stack?.stop();
    await redis?.stop();
  });

  it('no redirect to /login and no cleared cookie, only 503 (HTML for navigations), fast; all back when the store is', async () => {
    const page = () => navigate(`${stack.appUrl}/dashboard`, jar.header());
    expect((await page()).status).toBe(200);
    redis.child.kill('SIGSTOP');
    const seen: { status: number; type: string; ms: number; cleared: boolean; path: string }[] = [];
    const end = Date.now() + 10_000;
    while (Date.now() < end) {
      for (const path of ['/dashboard', '/api/backend/notes']) {
        const started = Date.now();
        const res = path === '/dashboard' ? await page() : await c.app(path, { jar: jar.clone() });
        await res.arrayBuffer();
        seen.push({ path, status: res.status, type: res.headers.get('content-type') ?? '', ms: Date.now() - started, cleared: res.headers.getSetCookie().length > 0 });
      }
    }
    redis.child.kill('SIGCONT');
    expect(seen.filter((s) => s.status !== 200 && s.status !== 503).map((s) => `${s.path} ${s.status}`)).toEqual([]);
    expect(seen.filter((s) => s.cleared)).toEqual([]);
    expect(seen.filter((s) => s.path === '/dashboard' && s.status === 503 && !s.type.startsWith('text/html')).map((s) => s.type)).toEqual([]);
    const times = seen.map((s) => s.ms).sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.info(`paused store: ${seen.length} requests, median ${median} ms, max ${times.at(-1)} ms`);
    expect(median).toBeLessThan(300); // the breaker answers at once instead of waiting out the store timeout
    await sleep(2_500); // the breaker's cool-down, then a probe
    expect((await c.app('/api/backend/notes', { jar })).status).toBe(200);
    expect((await page()).status).toBe(200);
  }, 60_000);
});

/** A TCP hop that holds every answer from Redis back by `delayMs`: a store that answers, slowly. */
function slowHop(target: number, delayMs: number): Promise<{ port: number; server: Server }> {
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    client.pipe(upstream);
    upstream.on('data', (chunk) => setTimeout(() => client.write(chunk), delayMs));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server })));
}

describe('a store that answers every command 400 ms late (server-held sessions, proxy.ts)', () => {
  let redis: Proc;
  let hop: Server;
  let stack: Stack;
  let c: ReturnType<typeof clientFor>;
  const jar = new CookieJar();

  beforeAll(async () => {
    const port = await freePort();
    redis = startRedis(port);
    const slow = await slowHop(port, 400);
    hop = slow.server;
    ({ stack, c } = await serverModeOn(slow.port, jar));
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    hop?.close();
    await redis?.stop();
  });

  it('four browsers using it for 8 s are never signed out; requests stay bounded instead of piling up', async () => {
    const seen: { status: number; ms: number }[] = [];
    const end = Date.now() + 8_000;
    const browser = async () => {
      while (Date.now() < end) {
        for (const path of ['/dashboard', '/api/backend/notes']) {
          const started = Date.now();
          const res = path === '/dashboard' ? await navigate(`${stack.appUrl}${path}`, jar.header()) : await c.app(path, { jar: jar.clone() });
          await res.arrayBuffer();
          seen.push({ status: res.status, ms: Date.now() - started });
        }
      }
    };
    await Promise.all([browser(), browser(), browser(), browser()]);
    expect(seen.filter((s) => s.status !== 200 && s.status !== 503).map((s) => s.status)).toEqual([]);
    const times = seen.map((s) => s.ms).sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(times.length * q))];
    console.info(`slow store: ${seen.length} requests, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, ${seen.filter((s) => s.status === 503).length} answered 503`);
    expect(at(0.5)).toBeLessThan(2_500);
  }, 60_000);
});
