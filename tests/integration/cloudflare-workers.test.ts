import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildCloudflareVariant, node22, wranglerEnv, wranglerJs } from '../../scripts/lib/cloudflare.mjs';
import { freePort, startBackend, startProcess, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
import { clientFor, CookieJar, navigate, sleep } from '../helpers/client';
import { UPSTASH_TOKEN } from '../helpers/global-setup';

/** A page whose Server Component calls the backend itself (`backendFetch`), as OpenNext runs it: in its Node bundle. */
const SERVER_FETCH_PAGE = `import { connection } from 'next/server';
import { backendFetch } from '../lib/bff-server';

export default async function ServerFetch() {
  await connection();
  const res = await backendFetch('/notes');
  return <p id="server-fetch">notes: {res.status}</p>;
}
`;

/**
 * The demo built by OpenNext (`npm run cf:build`, the repository's wrangler.jsonc and open-next.config.ts) and run in
 * workerd by `wrangler dev --local`, against the example backend and the Upstash REST fixture, on a compatibility
 * date from before workerd had `node:http` (2025-08-15): what Cloudflare Workers runs.
 */
describe('Cloudflare Workers through OpenNext, in local workerd', () => {
  let backend: Proc;
  let worker: Proc;
  let dir = '';
  let appUrl = '';
  let backendUrl = '';
  const client = clientFor({ app: () => appUrl, backend: () => backendUrl });

  beforeAll(async () => {
    dir = await buildCloudflareVariant('cloudflare', { 'app/server-fetch/page.tsx': SERVER_FETCH_PAGE });
    const [backendPort, appPort] = await Promise.all([freePort(), freePort()]);
    backendUrl = `http://127.0.0.1:${backendPort}`;
    appUrl = `http://127.0.0.1:${appPort}`;
    backend = startBackend(backendPort, { TEST_HOOKS: '1' });
    const vars = {
      BACKEND_URL: backendUrl,
      SESSION_SECRET: 'cloudflare-test-secret-0123456789abcdefghij',
      APP_URL: appUrl,
      COOKIE_SECURE: 'false',
      UPSTASH_REDIS_REST_URL: inject('upstashUrl'),
      UPSTASH_REDIS_REST_TOKEN: UPSTASH_TOKEN,
      RATE_LIMIT_LOGIN_PER_IP: '3/60',
      RATE_LIMIT_LOGIN_PER_IDENTIFIER: '100000/60',
    };
    writeFileSync(join(dir, '.dev.vars'), Object.entries(vars).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    worker = wranglerDev(appPort);
    await Promise.all([waitForHttp(`${backendUrl}/__test/stats`, 15_000, backend), waitForHttp(`${appUrl}/login`, 90_000, worker)]);
  }, 400_000);

  afterAll(async () => {
    await Promise.all([worker?.stop(), backend?.stop()]);
  });

  /** `wrangler dev` of the built worker on `port`, on a compatibility date from before `node:http`; `vars` over .dev.vars. */
  const wranglerDev = (port: number, vars: string[] = []) =>
    startProcess(
      'wrangler dev',
      node22(),
      [wranglerJs, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--compatibility-date', '2025-05-01', ...vars.flatMap((v) => ['--var', v])],
      { cwd: dir, env: wranglerEnv },
    );

  it('the journey: signed out → login, signed in → pages, proxied GET and POST, server-side backend calls, logout', async () => {
    expect((await client.app('/dashboard')).headers.get('location')).toMatch(/\/login\?next=%2Fdashboard$/);
    const jar = new CookieJar();
    const user = await client.newUser();
    await client.login(jar, user);
    const dashboard = await client.app('/dashboard', { jar });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain(user.email);
    const created = await client.app('/api/backend/notes', { jar, method: 'POST', headers: { 'content-type': 'application/json', ...client.sameOrigin() }, body: JSON.stringify({ text: 'from workerd' }) });
    expect(created.status).toBe(201);
    const notes = await client.app('/api/backend/notes', { jar });
    expect(await notes.text()).toContain('from workerd');
    // node:http is missing on this compatibility date: the server helpers went through fetch.
    expect(await (await client.app('/server-fetch', { jar })).text()).toMatch(/notes: (<!-- -->)?200/);
    const out = await client.app('/api/auth/logout', { jar, method: 'POST', headers: client.sameOrigin() });
    expect(out.status).toBeLessThan(400);
    expect((await client.app('/dashboard', { jar })).status).toBe(307);
  });

  it('an expired access token: a burst of 5 refreshes once (across isolates through Upstash), everyone gets 200', async () => {
    await client.backend.configure({ accessTtlSeconds: 2 });
    try {
      const jar = new CookieJar();
      await client.login(jar);
      await sleep(2_500);
      const before = (await client.backend.stats()).refreshCalls;
      const burst = await Promise.all(Array.from({ length: 5 }, () => client.app('/api/backend/notes', { jar: jar.clone() })));
      expect(burst.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect((await client.backend.stats()).refreshCalls - before).toBe(1);
    } finally {
      await client.backend.configure({ accessTtlSeconds: 60 });
    }
  });

  it('the client address is CF-Connecting-IP: per-network login limits and the backend see it; no platform header reaches the backend', async () => {
    const jar = new CookieJar();
    await client.login(jar);
    const echo = await client.app('/api/backend/echo/headers', {
      jar,
      headers: { 'cf-connecting-ip': '198.51.100.7', 'x-vercel-forwarded-for': '6.6.6.6', 'x-open-next-city': 'forged', 'x-forwarded-for': '6.6.6.6' },
    });
    const seen = (await echo.json()).headers as Record<string, string>;
    expect(seen['x-forwarded-for']).toBe('198.51.100.7');
    // `cf-worker` is written by workerd itself on every outgoing request; nothing else of Cloudflare's, OpenNext's or Vercel's.
    expect(Object.keys(seen).filter((name) => /^(cf-|x-vercel-|x-open-next-)/.test(name) && name !== 'cf-worker')).toEqual([]);

    const attempt = (ip: string) =>
      client.app('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip, ...client.sameOrigin() },
        body: JSON.stringify({ email: `nobody-${Math.random()}@example.com`, password: 'wrong-password' }),
      });
    for (let i = 0; i < 3; i++) expect((await attempt('203.0.113.50')).status).toBe(401);
    expect((await attempt('203.0.113.50')).status).toBe(429);
    expect((await attempt('203.0.113.51')).status).toBe(401);
  });

  it('an invalid configuration (nothing checks it before the first request here): 500 with a sentence, one log line naming the problem, never the value', async () => {
    const port = await freePort();
    const broken = wranglerDev(port, ['SESSION_SECRET:too-short-secret']);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/login`, 90_000, broken);
      const api = await fetch(`http://127.0.0.1:${port}/api/backend/notes`);
      expect(api.status).toBe(500);
      expect(await api.json()).toMatchObject({ error: 'misconfigured' });
      const page = await navigate(`http://127.0.0.1:${port}/dashboard`);
      expect(page.status).toBe(500);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      // wrangler relays the worker's console a moment later
      const lines = () => broken.output().split('\n').filter((line) => line.includes('"config_invalid"'));
      await expect.poll(() => lines().length, { timeout: 10_000 }).toBeGreaterThan(0);
      await sleep(500);
      expect(lines()).toHaveLength(1);
      expect(lines()[0]).toMatch(/SESSION_SECRET must be at least/);
      // (wrangler's own table of variables is its business; what the BFF logs never carries a value)
      expect(broken.output().split('\n').filter((line) => line.includes('"source":"bff"')).join('\n')).not.toContain('too-short-secret');
    } finally {
      await broken.stop();
    }
  });
});
