import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: the CLI is plain JavaScript, checked by // @ts-check
import { init } from '../../bin/init.mjs';

/** `next-edge-bff init --cloudflare`: what an app needs for Cloudflare Workers through OpenNext, written once. */
describe('`next-edge-bff init --cloudflare`', () => {
  const dirs: string[] = [];
  afterEach(() => {
    dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
    vi.restoreAllMocks();
  });

  function app(files: Record<string, string> = {}) {
    const root = mkdtempSync(join(tmpdir(), 'bff-init-cf-'));
    dirs.push(root);
    mkdirSync(join(root, 'app'));
    writeFileSync(join(root, 'tsconfig.json'), '{}');
    writeFileSync(join(root, 'package.json'), `${JSON.stringify({ name: 'My App', private: true, scripts: { build: 'next build', start: 'next start' } }, null, 2)}\n`);
    writeFileSync(join(root, '.gitignore'), 'node_modules\n.env*.local\n');
    for (const [path, content] of Object.entries(files)) writeFileSync(join(root, path), content);
    return root;
  }
  const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');

  it('writes middleware.ts (never proxy.ts), the worker configuration, .dev.vars with the app’s secret, scripts and ignores; twice changes nothing', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const root = app();
    await init(['--yes', '--cloudflare'], root);
    expect(read(root, 'middleware.ts')).toContain('export const middleware');
    expect(() => read(root, 'proxy.ts')).toThrow();
    const wrangler = JSON.parse(read(root, 'wrangler.jsonc'));
    expect(wrangler).toMatchObject({ main: '.open-next/worker.js', name: 'my-app', compatibility_flags: ['nodejs_compat'] });
    expect(wrangler.compatibility_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(read(root, 'open-next.config.ts')).toContain('defineCloudflareConfig');
    const devVars = parseEnv(read(root, '.dev.vars'));
    expect(devVars.SESSION_SECRET).toBe(parseEnv(read(root, '.env.local')).SESSION_SECRET);
    expect(devVars.SESSION_SECRET).toMatch(/^.{32,}$/);
    expect(devVars.APP_URL).toBe('http://localhost:8787');
    expect(read(root, '.gitignore').split('\n')).toEqual(expect.arrayContaining(['.env*.local', '.dev.vars', '.open-next/', '.wrangler/']));
    const pkg = JSON.parse(read(root, 'package.json'));
    expect(pkg.scripts).toEqual({ build: 'next build', start: 'next start', 'cf:build': 'opennextjs-cloudflare build', 'cf:preview': 'wrangler dev --local' });

    const before = ['wrangler.jsonc', '.dev.vars', '.gitignore', 'package.json', '.env.local', 'middleware.ts'].map((f) => read(root, f));
    await init(['--yes', '--cloudflare'], root);
    expect(['wrangler.jsonc', '.dev.vars', '.gitignore', 'package.json', '.env.local', 'middleware.ts'].map((f) => read(root, f))).toEqual(before);
  });

  it('an app whose proxy.ts already runs the BFF is refused before anything is written: OpenNext refuses Node middleware', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const root = app({ 'proxy.ts': "import { bff } from './lib/bff';\nexport const proxy = bff.middleware;\n" });
    await expect(init(['--yes', '--cloudflare'], root)).rejects.toThrow(/proxy\.ts runs the BFF on Node, which OpenNext refuses/);
    await expect(init(['--yes', '--cloudflare', '--proxy'], root)).rejects.toThrow(/needs middleware\.ts/);
    expect(() => read(root, 'wrangler.jsonc')).toThrow();
    expect(() => read(root, 'lib/bff.ts')).toThrow();
  });
});
