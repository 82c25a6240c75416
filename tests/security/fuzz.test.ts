import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { appUrl } from '../helpers/client';

/** A seeded PRNG (mulberry32): a failure is reproducible from the seed printed with it. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const TOTAL = 10_000;
const CONCURRENCY = 24;

function generator(random: () => number) {
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const int = (n: number) => Math.floor(random() * n);
  const ALPHABET = 'abcXYZ019-_.~%/\\:;,=@!$&\'()*+ "<>[]{}|^`\t';
  const junk = (n: number) => Array.from({ length: n }, () => (random() < 0.1 ? String.fromCharCode(0x80 + int(0x7f)) : ALPHABET[int(ALPHABET.length)])).join('');
  const segment = () => pick([junk(1 + int(12)), '..', '.', '%2e%2e', '%2f', '%5c', '%00', '%ff', '%', '%zz', 'notes', '']);
  return {
    cookie: () => {
      const name = pick(['__Host-bff_session', '__Host-bff_session.0', '__Host-bff_session.1', 'bff_session', junk(5)]);
      const value = pick([junk(int(300)), `eyJ${junk(int(900))}`, `${junk(40)}.${junk(40)}.${junk(40)}.${junk(40)}.${junk(20)}`, '....']);
      return { method: 'GET', path: pick(['/', '/dashboard', '/api/backend/notes', '/api/auth/session', '/login']), headers: { cookie: `${name}=${value}`.replace(/[\r\n]/g, '') } };
    },
    path: () => ({
      method: pick(['GET', 'POST', 'DELETE', 'OPTIONS']),
      // What a client can put on the wire: bytes outside 0x21–0x7e are percent-encoded, odd escapes stay raw.
      path: sendable(`/${pick(['api/backend', 'api/auth', 'dashboard', 'login', junk(3)])}/${Array.from({ length: 1 + int(4) }, segment).join('/')}${random() < 0.3 ? `?${junk(10)}` : ''}`),
      headers: { origin: 'http://fuzz.invalid' },
    }),
    login: () => {
      const type = pick(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', 'application/json; charset=utf-8', '']);
      const body = pick([
        junk(int(400)),
        JSON.stringify({ email: junk(int(40)), password: junk(int(40)), next: junk(int(40)) }),
        JSON.stringify([1, 2, 3]),
        'null',
        '{"email":{"$ne":1},"password":{"$gt":""}}',
        new URLSearchParams({ email: junk(20), password: junk(20) }).toString(),
        '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\n' + junk(30),
      ]);
      return { method: 'POST', path: '/api/auth/login', headers: { 'content-type': type, origin: appUrl() }, body };
    },
  };
}

const sendable = (path: string) => path.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));

function send(req: { method: string; path: string; headers: Record<string, string>; body?: string }): Promise<number> {
  const url = new URL(appUrl());
  return new Promise((resolve, reject) => {
    const r = request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    r.on('timeout', () => r.destroy(new Error('hang: no answer within 10 s')));
    r.on('error', reject);
    r.end(req.body);
  });
}

describe(`fuzz: ${TOTAL} random cookies, paths and login bodies (seed ${SEED})`, () => {
  it('never a 500, never a hang', async () => {
    const random = prng(SEED);
    const gen = generator(random);
    const kinds = [gen.cookie, gen.path, gen.login];
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    async function worker() {
      while (next < TOTAL) {
        const i = next++;
        const req = kinds[i % 3]();
        try {
          const status = await send(req);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 500) failures.push(`#${i} ${status} ${req.method} ${req.path} ${JSON.stringify(req.headers).slice(0, 200)}`);
        } catch (error) {
          failures.push(`#${i} ${(error as Error).message} ${req.method} ${req.path}`);
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures.slice(0, 20)).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(TOTAL);
  }, 300_000);
});
