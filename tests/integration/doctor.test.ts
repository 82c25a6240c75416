import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose, type Finding } from '@/edge/cli/doctor';
import { freePort, root, startBackend, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
import { SESSION_SECRET } from '../helpers/global-setup';

const errors = (findings: Finding[]) => findings.filter((f) => f.level === 'error').map((f) => f.message);
const warnings = (findings: Finding[]) => findings.filter((f) => f.level === 'warn').map((f) => f.message);

/** `next-edge-bff doctor` against real example backends speaking the right and the wrong contract. */
describe('next-edge-bff doctor', () => {
  const backends: Proc[] = [];
  let envelopeUrl: string;
  let simplejwtUrl: string;
  const base = () => ({ SESSION_SECRET, NODE_ENV: 'production', APP_URL: 'https://app.example.com', TRUSTED_PROXY_COUNT: '1' });

  beforeAll(async () => {
    const start = async (env: Record<string, string>) => {
      const port = await freePort();
      const proc = startBackend(port, env);
      backends.push(proc);
      await waitForHttp(`http://127.0.0.1:${port}/notes`, 15_000, proc);
      return `http://127.0.0.1:${port}`;
    };
    [envelopeUrl, simplejwtUrl] = await Promise.all([start({}), start({ AUTH_MODE: 'simplejwt' })]);
  });
  afterAll(() => Promise.all(backends.map((b) => b.stop())));

  it("a backend speaking the preset's contract, a built app with the README's matcher: no error", async () => {
    const findings = await diagnose({ ...base(), BACKEND_URL: envelopeUrl, PROTECTED_PATHS: '/dashboard' }, { dir: root });
    expect(errors(findings)).toEqual([]);
    expect(findings.map((f) => f.message).join('\n')).toMatch(/refuses a made-up account the way AUTH_PRESET=envelope expects \(HTTP 4\d\d\)/);
    expect(findings.map((f) => f.message).join('\n')).toContain("The middleware's matcher covers /api/auth/session, /api/backend/x, /dashboard.");
  });

  it('an API of BACKENDS outside the matcher is named: its calls would bypass the BFF', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bff-doctor-'));
    try {
      mkdirSync(join(dir, '.next/server'), { recursive: true });
      const matchers = [{ regexp: '^/api(?:/.*)?$' }, { regexp: '^/dashboard(?:/.*)?$' }];
      writeFileSync(join(dir, '.next/server/middleware-manifest.json'), JSON.stringify({ middleware: { '/': { matchers } } }));
      const BACKENDS = JSON.stringify({ files: { url: envelopeUrl, token: 'user' }, partner: { url: envelopeUrl, token: 'none', prefix: '/partner' } });
      const findings = await diagnose({ ...base(), BACKEND_URL: envelopeUrl, PROTECTED_PATHS: '/dashboard', BACKENDS }, { dir });
      expect(errors(findings)).toEqual(["The middleware's matcher misses /partner/x: those requests would bypass the BFF. Use the matcher from the README."]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the wrong preset for the backend is named, with what to check', async () => {
    const findings = await diagnose({ ...base(), BACKEND_URL: simplejwtUrl }, { dir: root });
    expect(errors(findings).join('\n')).toMatch(/answered HTTP 404, which is not how AUTH_PRESET=envelope refuses credentials \(no such endpoint\): check AUTH_PRESET/);
    const right = await diagnose({ ...base(), BACKEND_URL: simplejwtUrl, AUTH_PRESET: 'simplejwt' }, { dir: root });
    expect(errors(right)).toEqual([]);
  });

  it('settings that fail in a browser: Secure cookies on a plain-http host, a matcher that misses the BFF, no client address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bff-doctor-'));
    try {
      mkdirSync(join(dir, '.next/server'), { recursive: true });
      writeFileSync(join(dir, '.next/server/middleware-manifest.json'), JSON.stringify({ middleware: { '/': { matchers: [{ regexp: '^/dashboard(?:/.*)?$' }] } } }));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { start: 'next start' } }));
      const findings = await diagnose({ SESSION_SECRET, NODE_ENV: 'production', APP_URL: 'http://intranet.example:3000', BACKEND_URL: envelopeUrl }, { dir });
      expect(errors(findings).join('\n')).toContain('APP_URL is plain http on intranet.example: browsers drop the Secure session cookie there');
      expect(warnings(findings).join('\n')).toContain('npx next-edge-bff start');
      expect(warnings(findings).join('\n')).toContain('package.json starts the app with plain `next start` and TRUSTED_PROXY_COUNT is 0');
      const behindProxy = await diagnose({ SESSION_SECRET, NODE_ENV: 'production', TRUSTED_PROXY_COUNT: '1', BACKEND_URL: envelopeUrl }, { dir });
      expect(warnings(behindProxy).join('\n')).not.toContain('package.json starts the app');
      expect(errors(findings)).toContain("The middleware's matcher misses /api/auth/session, /api/backend/x: those requests would bypass the BFF. Use the matcher from the README.");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a configuration that would not start, an unreachable backend: errors saying what to set', async () => {
    expect(errors(await diagnose({ NODE_ENV: 'production' }))).toEqual(expect.arrayContaining([expect.stringContaining('BACKEND_URL is not set')]));
    const down = await diagnose({ ...base(), BACKEND_URL: 'http://127.0.0.1:9' }, { dir: root });
    expect(errors(down).join('\n')).toContain("The backend's login (http://127.0.0.1:9/auth/login) cannot be reached");
  });

  it('a Cloudflare Workers app: .dev.vars is what is checked (over the environment), and the address comes from Cloudflare', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bff-doctor-cf-'));
    try {
      writeFileSync(join(dir, 'wrangler.jsonc'), '{ "main": ".open-next/worker.js" }\n');
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { start: 'next start' } }));
      writeFileSync(join(dir, '.dev.vars'), `BACKEND_URL=${envelopeUrl}\nSESSION_SECRET=too-short\n`);
      const findings = await diagnose({ SESSION_SECRET, NODE_ENV: 'production', APP_URL: 'https://app.example.com' }, { dir });
      expect(errors(findings).join('\n')).toMatch(/SESSION_SECRET/);
      writeFileSync(join(dir, '.dev.vars'), `BACKEND_URL=${envelopeUrl}\nSESSION_SECRET=${SESSION_SECRET}\n`);
      const fixed = await diagnose({ NODE_ENV: 'production', APP_URL: 'https://app.example.com' }, { dir });
      expect(fixed.map((f) => f.message).join('\n')).toContain('Cloudflare Workers (wrangler.jsonc): .dev.vars read over the environment');
      expect(errors(fixed).filter((m) => !m.includes('matcher'))).toEqual([]);
      expect(warnings(fixed).join('\n')).not.toMatch(/TRUSTED_PROXY_COUNT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`secret` prints 43 base64url characters (32 random bytes), different every time', () => {
    const run = () => spawnSync(process.execPath, [join(root, 'bin/next-edge-bff.mjs'), 'secret'], { encoding: 'utf8' }).stdout.trim();
    const [a, b] = [run(), run()];
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b).not.toBe(a);
  });

  it('`secret --jwk` prints a private ES256 JWK the configuration accepts, and its public half apart', async () => {
    const out = spawnSync(process.execPath, [join(root, 'bin/next-edge-bff.mjs'), 'secret', '--jwk'], { encoding: 'utf8' });
    const jwk = JSON.parse(out.stdout);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', d: expect.any(String) });
    const publicJwk = JSON.parse(out.stderr.slice(out.stderr.indexOf('{')));
    expect(publicJwk).toEqual({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, alg: 'ES256', use: 'sig' });
    const env = { ...base(), BACKEND_URL: 'http://127.0.0.1:9', AUTH_PRESET: 'oauth2', AUTH_DPOP: '1' };
    const problems = async (key: string) => errors(await diagnose({ ...env, AUTH_DPOP_PRIVATE_KEY: key }, { dir: root })).filter((e) => e.includes('AUTH_DPOP'));
    expect(await problems(out.stdout.trim())).toEqual([]);
    expect(await problems(JSON.stringify({ ...jwk, d: 'AAAA' }))).toEqual(['AUTH_DPOP_PRIVATE_KEY does not import as a private key for ES256.']);
  });

  it('every command answers --help with its own usage and exit code 0', () => {
    for (const command of ['init', 'start', 'secret', 'doctor']) {
      const out = spawnSync(process.execPath, ['bin/next-edge-bff.mjs', command, '--help'], { encoding: 'utf8' });
      expect(out.status, command).toBe(0);
      expect(out.stdout).toMatch(new RegExp(`^Usage: next-edge-bff ${command}\\b`));
    }
  });
});
