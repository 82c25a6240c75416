import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusals } from '../../scripts/bench/peers/refusals.mjs';

/**
 * `npm run bench:peers` itself is too long for `npm test`; what makes it trustworthy is tested here: the network guard
 * preloaded into every server, the load's check of every answer, and the refusal to report.
 */
const dir = mkdtempSync(join(tmpdir(), 'bench-peers-guards-'));
const node = (args: string[], env: Record<string, string> = {}) =>
  new Promise<string>((resolve, reject) =>
    execFile(process.execPath, args, { env: { ...process.env, ...env } }, (error, stdout, stderr) => (error ? reject(new Error(stderr || String(error))) : resolve(stdout))),
  );

function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

describe('bench:peers guards', () => {
  let allowed: { server: Server; port: number };
  let other: { server: Server; port: number };

  beforeAll(async () => {
    allowed = await listen((_req, res) => res.end('ok'));
    // Answers the signed-in page of user 0 only: every other user gets someone else's page.
    other = await listen((_req, res) => res.end('<p>zero@example.com</p>'));
  });
  afterAll(() => {
    allowed.server.close();
    other.server.close();
  });

  it('the network guard logs a connection (fetch, http) to any port but the allowed one, and a name lookup', async () => {
    const log = join(dir, 'net.log');
    const script = join(dir, 'calls.mjs');
    writeFileSync(
      script,
      `await fetch('http://127.0.0.1:${allowed.port}/').then((r) => r.text());
await fetch('http://127.0.0.1:${other.port}/').then((r) => r.text());
await new Promise((resolve) => import('node:http').then(({ get }) => get('http://127.0.0.1:${other.port}/', (r) => r.resume().on('end', resolve))));
await import('node:dns').then(({ promises }) => promises.lookup('example.invalid').catch(() => undefined));`,
    );
    await node(['--import', join(process.cwd(), 'scripts/bench/peers/net-guard.mjs'), script], { BENCH_NET_LOG: log, BENCH_NET_ALLOW: String(allowed.port) });
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.endsWith(`connect 127.0.0.1:${other.port}`))).toHaveLength(2);
    expect(lines.some((l) => l.includes(`:${allowed.port}`))).toBe(false);
    expect(lines.some((l) => l.endsWith('lookup example.invalid'))).toBe(true);
  });

  it('the load counts every answer that is not the requesting user’s page', async () => {
    const spec = join(dir, 'load.json');
    const users = [0, 1, 2, 3].map((i) => ({ cookie: `user=${i}`, email: i === 0 ? 'zero@example.com' : `user-${i}@example.com` }));
    writeFileSync(spec, JSON.stringify({ url: `http://127.0.0.1:${other.port}/`, users, connections: 2, duration: 0.5, warmup: 0 }));
    const result = JSON.parse(await node(['scripts/bench/peers/load.mjs', spec]));
    expect(result.requests).toBeGreaterThan(8);
    expect(result.errors).toBeGreaterThanOrEqual(Math.floor((result.requests * 3) / 4) - 2);
    expect(result.firstError.email).toMatch(/^user-\d@example\.com$/);

    writeFileSync(spec, JSON.stringify({ url: `http://127.0.0.1:${other.port}/`, users: users.slice(0, 1), connections: 2, duration: 0.3, warmup: 0 }));
    expect(JSON.parse(await node(['scripts/bench/peers/load.mjs', spec])).errors).toBe(0);
  });

  it('refuses to report a wrong answer, a call anywhere but the backend, or a backend call from a page that needs none', () => {
    const clean = { runs: { 'one_user/authjs': [{ errors: 0 }] }, windows: [{ name: 'authjs', api: false, t0: 100, t1: 200 }], connections: { authjs: [] }, backendPort: 4000, since: 50 };
    expect(refusals(clean)).toEqual([]);
    expect(refusals({ ...clean, runs: { 'one_user/authjs': [{ errors: 3, firstError: { status: 307 } }] } })).toEqual([expect.stringMatching(/3 answer\(s\) were not the signed-in user's page/)]);
    expect(refusals({ ...clean, connections: { authjs: [{ at: 10, what: 'lookup bench.auth0.invalid' }] } })).toEqual(['authjs made a network call: lookup bench.auth0.invalid']);
    expect(refusals({ ...clean, connections: { authjs: [{ at: 10, what: 'connect 127.0.0.1:4000' }] } })).toEqual([]); // a sign-in before the run
    expect(refusals({ ...clean, connections: { authjs: [{ at: 150, what: 'connect 127.0.0.1:4000' }] } })).toEqual(['authjs called the backend while serving a page that needs no API']);
    expect(refusals({ ...clean, windows: [{ name: 'authjs', api: true, t0: 100, t1: 200 }], connections: { authjs: [{ at: 150, what: 'connect 127.0.0.1:4000' }] } })).toEqual([]);
  });
});
