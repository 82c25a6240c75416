import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: the CLI is plain JavaScript, checked by // @ts-check
import { init } from '../../bin/init.mjs';

/** `next-edge-bff init` writes only inside the app it runs in, and never overwrites. */
describe('`next-edge-bff init` writes only inside the app', () => {
  const dirs: string[] = [];
  afterEach(() => {
    dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
    vi.restoreAllMocks();
  });

  function app(scripts: Record<string, string> = { dev: 'next dev', build: 'next build', start: 'next start' }) {
    const root = mkdtempSync(join(tmpdir(), 'bff-init-safety-'));
    const outside = mkdtempSync(join(tmpdir(), 'bff-init-outside-'));
    dirs.push(root, outside);
    mkdirSync(join(root, 'app'));
    writeFileSync(join(root, 'tsconfig.json'), '{}');
    writeFileSync(join(root, 'package.json'), `${JSON.stringify({ name: 'app', private: true, scripts }, null, 2)}\n`);
    return { root, outside };
  }

  it('a symlinked .env.local is refused: no secret is appended at the link target', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { root, outside } = app();
    writeFileSync(join(outside, 'shared.env'), 'OTHER=1\n');
    symlinkSync(join(outside, 'shared.env'), join(root, '.env.local'));
    await expect(init(['--yes'], root)).rejects.toThrow(/\.env\.local is a symbolic link; init writes only inside the app/);
    expect(readFileSync(join(outside, 'shared.env'), 'utf8')).toBe('OTHER=1\n');
    expect(existsSync(join(root, 'lib'))).toBe(false); // refused before the first write
  });

  it('a symlinked lib/ is refused before anything is written through it', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { root, outside } = app();
    symlinkSync(outside, join(root, 'lib'));
    await expect(init(['--yes'], root)).rejects.toThrow(/lib is a symbolic link/);
    expect(existsSync(join(outside, 'bff.ts'))).toBe(false);
  });

  it('sets the start script to `next-edge-bff start` where it was plain `next start`, and says so; keeps a custom one', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const { root } = app();
    await init(['--yes'], root);
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts).toEqual({ dev: 'next dev', build: 'next build', start: 'next-edge-bff start' });
    expect(lines.join('\n')).toContain('changed    package.json "start": "next-edge-bff start"');
    const custom = app({ start: 'node server.js' }).root;
    await init(['--yes'], custom);
    expect(JSON.parse(readFileSync(join(custom, 'package.json'), 'utf8')).scripts.start).toBe('node server.js');
  });
});
