import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, root, startApp, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
import { buildVariant } from '../../scripts/lib/variant.mjs';
import { backendUrl, clientFor, CookieJar } from '../helpers/client';
import { GENEROUS_LIMITS, SESSION_SECRET } from '../helpers/global-setup';

/** The `proxy.ts` snippet of the README, exactly as a user would paste it. */
function proxySnippetFromReadme(): string {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const match = /Switching to `proxy\.ts`[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README has no proxy.ts snippet');
  return match[1];
}

/** The documented switch to Next 16's Node-only proxy.ts: the same core, on the Node runtime. */
describe('proxy.ts on the Node runtime', () => {
  let app: Proc;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    dir = await buildVariant('proxy-ts', { 'middleware.ts': null, 'proxy.ts': proxySnippetFromReadme() });
    const manifest = JSON.parse(readFileSync(`${dir}/.next/server/functions-config-manifest.json`, 'utf8'));
    expect(manifest.functions['/_middleware'].runtime).toBe('nodejs');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = startApp(port, { BACKEND_URL: backendUrl(), SESSION_SECRET, ...GENEROUS_LIMITS }, false, dir);
    await waitForHttp(`${url}/`, 30_000, app);
  }, 180_000);
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
