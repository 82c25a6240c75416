import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sessionCookie } from '@/edge/testing';
import { freePort, startApp, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
import { backendUrl, clientFor, CookieJar } from '../helpers/client';
import { GENEROUS_LIMITS, SESSION_SECRET } from '../helpers/global-setup';

/** The documented switch to Next 16's Node-only proxy.ts: the same core, on the Node runtime. */
describe('proxy.ts on the Node runtime', () => {
  let app: Proc;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    dir = inject('proxyTsDir');
    const manifest = JSON.parse(readFileSync(`${dir}/.next/server/functions-config-manifest.json`, 'utf8'));
    expect(manifest.functions['/_middleware'].runtime).toBe('nodejs');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = startApp(port, { BACKEND_URL: backendUrl(), SESSION_SECRET, ...GENEROUS_LIMITS }, false, dir);
    await waitForHttp(`${url}/`, 30_000, app);
  }, 60_000);
  afterAll(() => app?.stop());

  it('protects pages, logs in, and proxies with the bearer', async () => {
    const c = clientFor({ app: () => url, backend: backendUrl });
    expect((await c.app('/dashboard')).status).toBe(307);
    const jar = new CookieJar();
    await c.login(jar);
    const echo = await (await c.app('/api/backend/echo/node', { jar })).json();
    expect(echo.headers.authorization).toMatch(/^Bearer eyJ/);
    expect(echo.headers.cookie).toBeUndefined();
    expect((await c.app('/dashboard', { jar })).status).toBe(200);
  });

  it('a dead or silent backend is a JSON 502/504 from the Node forwarder, never a hang or an HTML page', async () => {
    const silent = (await import('node:net')).createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const silentPort = (silent.address() as { port: number }).port;
    const ports = [await freePort(), await freePort()];
    const envs: Record<string, string>[] = [
      { BACKEND_URL: `http://127.0.0.1:${await freePort()}` },
      { BACKEND_URL: `http://127.0.0.1:${silentPort}`, BACKEND_TIMEOUT_MS: '1000' },
    ];
    const apps = envs.map((env, i) => startApp(ports[i], { SESSION_SECRET, ...GENEROUS_LIMITS, ...env }, false, dir));
    try {
      await Promise.all(apps.map((a, i) => waitForHttp(`http://127.0.0.1:${ports[i]}/`, 30_000, a)));
      const { header: cookie } = await sessionCookie({ user: { id: '1', email: 'demo@example.com' }, env: { SESSION_SECRET, NODE_ENV: 'production' } });
      const answers = await Promise.all(ports.map((p) => fetch(`http://127.0.0.1:${p}/api/backend/notes`, { headers: { cookie } })));
      expect(answers.map((r) => r.status)).toEqual([502, 504]);
      for (const res of answers) expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect((await answers[0].json()).error).toBe('backend_unreachable');
      expect((await answers[1].json()).error).toBe('backend_timeout');
    } finally {
      silent.close();
      await Promise.all(apps.map((a) => a.stop()));
    }
  });

  it('REDIS_URL + SESSION_MODE=server: sessions in real redis-server over TCP, pages and the proxy see them, logout deletes them', async () => {
    const port = await freePort();
    const serverUrl = `http://127.0.0.1:${port}`;
    const env = { BACKEND_URL: backendUrl(), SESSION_SECRET, ...GENEROUS_LIMITS, REDIS_URL: inject('redisUrl'), SESSION_MODE: 'server' };
    const node = startApp(port, env, false, dir);
    try {
      await waitForHttp(`${serverUrl}/`, 30_000, node);
      const c = clientFor({ app: () => serverUrl, backend: backendUrl });
      const jar = new CookieJar();
      await c.login(jar);
      const value = [...jar.cookies].find(([k]) => k.includes('bff_session'))![1];
      expect(value).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
      expect((await c.app('/dashboard', { jar })).status).toBe(200);
      expect((await c.app('/api/backend/notes', { jar })).status).toBe(200);
      const sessions = await (await c.app('/api/auth/sessions', { jar })).json();
      expect(sessions.sessions).toMatchObject([{ current: true }]);
      const copy = jar.clone();
      expect((await c.app('/api/auth/logout', { method: 'POST', jar, headers: c.sameOrigin() })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await c.app('/api/backend/notes', { jar: copy })).status).toBe(401);
    } finally {
      await node.stop();
    }
  });
});
