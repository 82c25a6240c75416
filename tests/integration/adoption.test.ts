import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, root, run, startBackend, startProcess, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
import { launchBrowser, screenshot } from '../helpers/browser';
import { clientFor } from '../helpers/client';
import { readmeSnippetFiles } from '../helpers/readme-snippets';
import { GENEROUS_LIMITS } from '../helpers/global-setup';
import { upstashEnv } from '../helpers/stack';

/**
 * A team adopts the package in a Next.js app of its own (tests/fixtures/adoption-app): `npm pack` of this repository,
 * `npm install` of the tarball, only the documented files, `next build`, `next start`, and the whole journey in
 * Chromium — once with `middleware.ts` on the edge runtime and once with Next 16's `proxy.ts` on Node. The app composes
 * the BFF with middleware of its own, moves the login page and the backend prefix, and extends the user type. In both,
 * a page whose render outlives the access token, in each place sessions can live.
 */
const fixture = join(root, 'tests/fixtures/adoption-app');

/** A fresh app for `init`: where its code lives, its own middleware, Next's Cache Components, the edge runtime. */
interface AppShape {
  src?: boolean;
  ownMiddleware?: boolean;
  cacheComponents?: boolean;
  edge?: boolean;
}

/** A page as the README shows it for Cache Components: the request read inside <Suspense>, by `helper` in `body`. */
const suspended = (component: string, helper: string, body: string) => `import { Suspense } from 'react';
import { ${helper} } from '../../lib/bff-server';

export default function Page() {
  return (
    <Suspense fallback={<p>Loading…</p>}>
      <${component} />
    </Suspense>
  );
}

async function ${component}() {
  ${body}
}
`;

const CACHE_COMPONENTS_PAGES = {
  account: suspended('Account', 'requireUser', "const user = await requireUser('/account');\n  return <p id=\"account\">Signed in as {user.email}</p>;"),
  notes: suspended('Notes', 'backendFetch', "const res = await backendFetch('/notes');\n  return <p id=\"notes\">notes: {res.status}</p>;"),
};

const APP_SECRET = 'adoption-secret-0123456789abcdefghijklmnop';
const middlewareSource = readFileSync(join(fixture, 'middleware.ts'), 'utf8');
/** The same file as `proxy.ts`, the way Next's codemod renames it. */
const proxySource = middlewareSource.replace('export async function middleware(', 'export async function proxy(');

describe('adopting next-edge-bff from its npm tarball', () => {
  let dir: string;
  let browser: Browser;
  let backend: Proc;
  let backendUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bff-adoption-'));
    const packed = await run('npm pack', 'npm', ['pack', '--silent', '--pack-destination', dir]);
    const tarball = join(dir, packed.trim().split('\n').at(-1)!);
    const app = join(dir, 'app');
    cpSync(fixture, app, { recursive: true });
    // The app's own dependencies, at the versions this repository is tested with; the BFF from the tarball.
    const versions = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies;
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    pkg.dependencies = { next: versions.next, react: versions.react, 'react-dom': versions['react-dom'], 'next-edge-bff': `file:${tarball}` };
    pkg.devDependencies = Object.fromEntries(['typescript', '@types/react', '@types/react-dom', '@types/node'].map((name) => [name, versions[name]]));
    writeFileSync(join(app, 'package.json'), JSON.stringify(pkg, null, 2));
    await run('npm install', 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app });
    dir = app;
    const port = await freePort();
    backendUrl = `http://127.0.0.1:${port}`;
    backend = startBackend(port, { TEST_HOOKS: '1' });
    await waitForHttp(`${backendUrl}/__test/stats`, 15_000, backend);
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
    if (dir) rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it("the README's TypeScript snippets compile, as files, in an app that installed the package", () => {
    const check = join(dir, 'readme-check');
    try {
      for (const file of readmeSnippetFiles()) {
        mkdirSync(dirname(join(check, file.path)), { recursive: true });
        writeFileSync(join(check, file.path), file.source);
      }
      const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'));
      writeFileSync(join(check, 'tsconfig.json'), JSON.stringify({ ...tsconfig, include: ['**/*.ts', '**/*.tsx'] }));
      const tsc = spawnSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', check], { encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);
    } finally {
      rmSync(check, { recursive: true, force: true });
    }
  }, 60_000);

  async function build(file: 'middleware.ts' | 'proxy.ts'): Promise<void> {
    rmSync(join(dir, 'middleware.ts'), { force: true });
    rmSync(join(dir, 'proxy.ts'), { force: true });
    rmSync(join(dir, '.next'), { recursive: true, force: true });
    writeFileSync(join(dir, file), file === 'proxy.ts' ? proxySource : middlewareSource);
    // The build type-checks the app: the augmented user type and the probes that it is not `any`.
    const build = await run('next build', process.execPath, [nextBin(), 'build'], { cwd: dir });
    expect(build).toContain('Finished TypeScript');
    const runtime = JSON.parse(readFileSync(join(dir, '.next/server/functions-config-manifest.json'), 'utf8')).functions['/_middleware']?.runtime;
    expect(runtime ?? 'edge').toBe(file === 'proxy.ts' ? 'nodejs' : 'edge');
  }

  async function start(file: string, env: Record<string, string> = {}): Promise<{ url: string; app: Proc }> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const app = startProcess(`next start (${file})`, process.execPath, [nextBin(), 'start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: dir,
      env: {
        NODE_ENV: 'production',
        BACKEND_URL: backendUrl,
        APP_URL: url,
        SESSION_SECRET: APP_SECRET,
        PROTECTED_PATHS: '/account',
        ...GENEROUS_LIMITS,
        ...env,
      },
    });
    await waitForHttp(`${url}/`, 30_000, app);
    return { url, app };
  }

  const nextBin = () => join(dir, 'node_modules/next/dist/bin/next');

  /** A protected page sends an anonymous visitor to the app's own login page, and back after signing in. */
  async function signIn(page: Page, url: string) {
    const user = await clientFor({ app: () => url, backend: () => backendUrl }).newUser();
    await page.goto(`${url}/account`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.fill('input[name=email]', user.email);
    await page.fill('input[name=password]', user.password);
    await page.click('#sign-in');
    await page.waitForURL('**/account');
    return user;
  }

  async function journey(page: Page, url: string, label: string) {
    const user = await signIn(page, url);
    // Server Component: the mapped user (roles and tenant from the login answer) and backend data with the bearer.
    await expect.poll(() => page.textContent('#server-user')).toContain(`${user.email} roles=staff tenant=t-`);
    // Server Action: a POST to the backend from the server.
    await page.fill('input[name=text]', `from a server action (${label})`);
    await page.click('#add-note');
    await expect.poll(() => page.textContent('#server-notes')).toContain(`from a server action (${label})`);
    // Client: the session hook shows the user (never a token) and a browser fetch goes through the moved proxy prefix.
    await expect.poll(() => page.textContent('#client-session')).toBe(`authenticated ${user.email} roles=staff`);
    await page.click('#load-notes');
    await expect.poll(() => page.textContent('#client-notes')).toBe('200:1');
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await screenshot(page, `adoption-${label}`);
    // The app's own middleware ran after the BFF's decision and saw the user.
    const composed = await page.request.get(`${url}/`);
    expect(composed.headers()['x-app-middleware']).toBe('roles=staff');
    // Sign out from the client: the session ends and the protected page is closed again.
    await page.click('#sign-out');
    await page.waitForURL(`${url}/`);
    await expect.poll(() => page.textContent('#home')).toBe('home, signed out');
    await page.goto(`${url}/account`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    return user;
  }

  describe.each(['middleware.ts', 'proxy.ts'] as const)('with %s', (file) => {
    beforeAll(() => build(file), 240_000);

    it('the whole journey', async () => {
      const { url, app } = await start(file);
      const context = await browser.newContext();
      try {
        const user = await journey(await context.newPage(), url, file.replace('.ts', ''));
        // The hooks saw the sign-in and the sign-out, with the mapped user and never a token.
        const audit = app.output();
        expect(audit).toMatch(/"audit":"login","user":"\d+","roles":\["staff"\]/);
        expect(audit).toContain('"audit":"logout"');
        expect(audit).not.toMatch(/eyJ|refresh|password/i);
        expect(user.email).toBeTruthy();
      } finally {
        await context.close();
        await app.stop();
      }
    }, 240_000);

    it('`npx next-edge-bff doctor` in the adopted app: the backend speaks the preset, the built matcher covers the BFF', async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', BACKEND_URL: backendUrl, APP_URL: 'https://app.example.com', SESSION_SECRET: APP_SECRET, PROTECTED_PATHS: '/account', TRUSTED_PROXY_COUNT: '1' };
      const doctor = spawnSync(join(dir, 'node_modules/.bin/next-edge-bff'), ['doctor'], { cwd: dir, env, encoding: 'utf8' });
      expect(doctor.stdout).toContain("✓ The backend's login");
      expect(doctor.stdout).toContain("✓ The middleware's matcher covers /api/auth/session, /api/backend/x, /account.");
      expect(doctor.stdout).not.toContain('✗');
      expect(doctor.status).toBe(0);
    });

    it('step-up: a sign-in older than maxAgeSeconds signs in again and comes back; a recent one passes', async () => {
      const { url, app } = await start(file);
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const user = await signIn(page, url);
        await page.goto(`${url}/settings`);
        expect(await page.textContent('#settings')).toContain(`settings for ${user.email}, signed in at`);
        await new Promise((resolve) => setTimeout(resolve, 4_500));
        await page.goto(`${url}/settings`);
        const asked = new URL(page.url());
        expect(asked.pathname).toBe('/sign-in');
        expect(Object.fromEntries(asked.searchParams)).toEqual({ next: '/settings', reason: 'reauthenticate' });
        expect(await page.textContent('#reason')).toBe('Please sign in again to continue.');
        await page.fill('input[name=email]', user.email);
        await page.fill('input[name=password]', user.password);
        await page.click('#sign-in');
        await page.waitForURL('**/settings');
        expect(await page.textContent('#settings')).toContain(`settings for ${user.email}`);
      } finally {
        await context.close();
        await app.stop();
      }
    }, 60_000);

    it("the app's own tests: signed in by sessionCookie(), its data from startFakeBackend(), no real backend", async () => {
      const testing = (await import(join(dir, 'node_modules/next-edge-bff/dist/testing.js'))) as typeof import('../../edge/testing');
      const fake = await testing.startFakeBackend({
        accessToken: 'fixture-token',
        routes: { 'GET /notes': { body: { data: [{ id: 'n1', text: 'from the fake backend' }] } } },
      });
      const { url, app } = await start(file, { BACKEND_URL: fake.url });
      const context = await browser.newContext();
      try {
        const user = { id: '42', email: 'tester@example.com', roles: ['staff'], tenant: 't-42' };
        // Named for `next start` whatever the test process's NODE_ENV.
        const { cookies } = await testing.sessionCookie({ user, accessToken: 'fixture-token', env: { SESSION_SECRET: APP_SECRET } });
        const asProduction = await testing.sessionCookie({ user, accessToken: 'fixture-token', env: { SESSION_SECRET: APP_SECRET, NODE_ENV: 'production' } });
        expect(cookies.map((c) => c.name)).toEqual(asProduction.cookies.map((c) => c.name));
        expect(cookies[0].name).toBe('__Host-bff_session');
        await context.addCookies(cookies.map((c) => ({ ...c, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Lax' as const })));
        const page = await context.newPage();
        await page.goto(`${url}/account`);
        expect(new URL(page.url()).pathname).toBe('/account');
        expect(await page.textContent('#server-user')).toContain('tester@example.com roles=staff tenant=t-42');
        expect(await page.textContent('#server-notes')).toContain('from the fake backend');
        expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization}`)).toContain('GET /notes Bearer fixture-token');
      } finally {
        await context.close();
        await app.stop();
        await fake.stop();
      }
    }, 60_000);

    // Edge middleware reaches the store over Upstash REST; a Node-only app over plain Redis.
    const store = () => (file === 'proxy.ts' ? { REDIS_URL: inject('redisUrl') } : upstashEnv());
    /**
     * The render cannot write cookies, so the browser's next request carries the cookie from before the render. It must
     * land signed in with exactly one refresh at the (rotating, reuse-detecting) backend: the render's refresh is kept in
     * the store (successor register or server record), or, with nowhere to keep it, the render spends nothing and the
     * middleware refreshes on the next request.
     */
    it.each([
      { where: 'in the cookie, no store', env: () => ({}), rendered: 503 },
      { where: 'in the cookie, with a store', env: store, rendered: 200 },
      { where: 'on the server (SESSION_MODE=server)', env: () => ({ ...store(), SESSION_MODE: 'server' }), rendered: 200 },
    ])('a render that outlives the access token, sessions $where: the next request is signed in, one refresh', async ({ env, rendered }) => {
      const { url, app } = await start(file, env());
      const context = await browser.newContext();
      const backend = clientFor({ app: () => url, backend: () => backendUrl }).backend;
      try {
        await backend.configure({ accessTtlSeconds: 3 });
        const page = await context.newPage();
        await signIn(page, url);
        const before = (await backend.stats()).refreshCalls;
        const cookieBefore = (await context.cookies()).map((c) => `${c.name}=${c.value}`).sort();
        // Fresh when the middleware sees it; expired when the render calls the backend.
        await page.goto(`${url}/report?ms=4500`);
        expect(await page.textContent('#report')).toBe(String(rendered));
        expect((await context.cookies()).map((c) => `${c.name}=${c.value}`).sort()).toEqual(cookieBefore);
        expect(await page.evaluate(() => fetch('/api/data/notes').then((r) => r.status))).toBe(200);
        await page.goto(`${url}/account`);
        expect(new URL(page.url()).pathname).toBe('/account');
        expect((await backend.stats()).refreshCalls - before).toBe(1);
        expect(app.output()).not.toMatch(/refresh_rejected|reuse/);
      } finally {
        await backend.configure({ accessTtlSeconds: 60 });
        await context.close();
        await app.stop();
      }
    }, 120_000);
  });
  /**
   * `npx next-edge-bff init --yes` in three fresh apps sharing the installed packages: app/ at the root, src/app/, and
   * one whose own middleware must keep working. Each is initialised twice (the second run changes nothing), built,
   * started with only BACKEND_URL and APP_URL added to what init wrote, and signed in through init's login page.
   */
  describe('`next-edge-bff init` in fresh apps', () => {
    const apps: string[] = [];
    afterAll(() => apps.forEach((a) => rmSync(a, { recursive: true, force: true })));

    function freshApp(name: string, options: AppShape) {
      const app = mkdtempSync(join(tmpdir(), `bff-init-${name}-`));
      apps.push(app);
      const code = options.src ? join(app, 'src') : app;
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: `init-${name}`, private: true }));
      cpSync(join(fixture, 'tsconfig.json'), join(app, 'tsconfig.json'));
      // What create-next-app@latest (Next 16.4) writes: Cache Components on.
      const settings = options.cacheComponents ? '\n  cacheComponents: true,\n  partialPrefetching: true,\n' : '';
      writeFileSync(join(app, 'next.config.ts'), `import type { NextConfig } from 'next';\n\nconst nextConfig: NextConfig = {${settings}};\n\nexport default nextConfig;\n`);
      if (options.cacheComponents) {
        // The README's pattern for protected pages under Cache Components: the request is read inside <Suspense>.
        for (const [page, source] of Object.entries(CACHE_COMPONENTS_PAGES)) {
          mkdirSync(join(code, 'app', page), { recursive: true });
          writeFileSync(join(code, 'app', page, 'page.tsx'), source);
        }
      }
      mkdirSync(join(code, 'app'), { recursive: true });
      cpSync(join(fixture, 'app/layout.tsx'), join(code, 'app/layout.tsx'));
      writeFileSync(join(code, 'app/page.tsx'), 'export default function Home() {\n  return <p id="home">home</p>;\n}\n');
      if (options.ownMiddleware) {
        writeFileSync(
          join(code, 'middleware.ts'),
          "import { NextResponse } from 'next/server';\n\nexport function middleware() {\n  const res = NextResponse.next();\n  res.headers.set('x-own-middleware', '1');\n  return res;\n}\n",
        );
      }
      // The installed packages, hard-linked: the same files the adoption app resolves, inside this app's root.
      expect(spawnSync('cp', ['-al', join(dir, 'node_modules'), join(app, 'node_modules')]).status).toBe(0);
      return app;
    }

    const snapshot = (app: string) =>
      spawnSync('sh', ['-c', "find . -path ./node_modules -prune -o -type f -print | sort | xargs md5sum"], { cwd: app, encoding: 'utf8' }).stdout;

    it.each<[string, string, AppShape]>([
      ['app/ at the root', 'root', {}],
      ['src/app/', 'src', { src: true }],
      ['its own middleware', 'own', { ownMiddleware: true }],
      ['create-next-app@latest defaults (Cache Components), proxy.ts', 'cache', { cacheComponents: true }],
      ['create-next-app@latest defaults (Cache Components), --middleware', 'cache-edge', { cacheComponents: true, edge: true }],
    ])('%s: init writes the BFF, twice changes nothing, and a visitor signs in', async (_label, name, options) => {
      const app = freshApp(name, options);
      const init = () => spawnSync(join(app, 'node_modules/.bin/next-edge-bff'), ['init', '--yes', ...(options.edge ? ['--middleware'] : [])], { cwd: app, encoding: 'utf8' });
      const first = init();
      expect(first.status).toBe(0);
      expect(first.stdout).toContain('wrapped    next.config.ts in withBff()');
      const before = snapshot(app);
      const second = init();
      expect(second.stdout.split('\n').filter((l) => /^(created|moved|wrapped|added)/.test(l))).toEqual([]);
      expect(snapshot(app)).toBe(before);
      const built = await run(`next build (init ${name})`, process.execPath, [join(app, 'node_modules/next/dist/bin/next'), 'build'], { cwd: app });
      expect(built).toContain('Finished TypeScript');
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      // What init wrote to .env.local (the session secret) plus what only the operator knows.
      const server = startProcess(`next start (init ${name})`, process.execPath, [join(app, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
        cwd: app,
        env: { NODE_ENV: 'production', BACKEND_URL: backendUrl, APP_URL: url, PROTECTED_PATHS: '/account,/notes', ...GENEROUS_LIMITS },
      });
      const context = await browser.newContext();
      try {
        await waitForHttp(`${url}/`, 30_000, server);
        const user = await clientFor({ app: () => url, backend: () => backendUrl }).newUser();
        const page = await context.newPage();
        const home = await page.goto(`${url}/login?next=/`);
        expect(home?.status()).toBe(200);
        // The fields are sent once, outside any <Suspense> boundary: React reveals streamed boundaries after a
        // throttle, and a boundary around the form would replace what the visitor already typed with empty fields.
        const html = await (await fetch(`${url}/login?next=/account`)).text();
        expect(html.match(/name="email"/g)).toHaveLength(1);
        expect(html).toContain('name="next" value="/account"');
        await page.fill('input[name=email]', user.email);
        await page.fill('input[name=password]', user.password);
        await page.click('button[type=submit]');
        await page.waitForURL(`${url}/`);
        expect(await page.evaluate(() => fetch('/api/auth/session').then((r) => r.json()))).toMatchObject({ user: { email: user.email } });
        if (options.ownMiddleware) expect((await page.request.get(`${url}/`)).headers()['x-own-middleware']).toBe('1');
        if (options.cacheComponents) {
          await page.goto(`${url}/account`);
          await expect.poll(() => page.textContent('#account')).toBe(`Signed in as ${user.email}`);
          await page.goto(`${url}/notes`);
          await expect.poll(() => page.textContent('#notes')).toBe('notes: 200');
          // Signed out, the protected page is a redirect to the login page, from the middleware.
          const anonymous = await fetch(`${url}/account`, { redirect: 'manual' });
          expect(anonymous.status).toBe(307);
          expect(server.output()).not.toMatch(/Error:|⨯/);
        }
      } finally {
        await context.close();
        await server.stop();
      }
    }, 240_000);
  });
});
