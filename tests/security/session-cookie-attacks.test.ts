import { base64url, EncryptJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealSession } from '@/edge/session/codec';
import { keyringFor } from '@/edge/session/keys';
import { app, appUrl, clientFor, CookieJar, login, sessionCookieName } from '../helpers/client';
import { SESSION_SECRET } from '../helpers/global-setup';
import { startStack, type Stack } from '../helpers/stack';

const NAME = '__Host-bff_session';
const flip = (value: string, at: number) => value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);

/** A real session's cookie value from the running app. */
async function realCookie(): Promise<string> {
  const jar = new CookieJar();
  await login(jar);
  return jar.cookies.get(sessionCookieName(jar)!)!;
}

const session = (overrides = {}) => ({
  accessToken: 'a.b.c',
  refreshToken: 'r',
  accessExpiresAt: Date.now() + 3600_000,
  refreshExpiresAt: Date.now() + 86_400_000,
  user: { id: '1', email: 'forged@example.com' },
  ...overrides,
});

/** Every forged cookie must mean: anonymous, cookie cleared, no 500 — on pages, APIs and the session endpoint. */
async function expectLoggedOut(value: string, base = appUrl()) {
  const c = clientFor({ app: () => base, backend: () => '' });
  const cookie = `${NAME}=${value}`;
  const session = await c.app('/api/auth/session', { headers: { cookie } });
  expect(session.status).toBe(200);
  expect(await session.json()).toEqual({ user: null });
  const page = await c.app('/dashboard', { headers: { cookie } });
  expect(page.status).toBe(307);
  expect(page.headers.getSetCookie().some((c) => c.startsWith(`${NAME}=;`) && /Max-Age=0/i.test(c))).toBe(true);
  expect((await c.app('/api/backend/notes', { headers: { cookie } })).status).toBe(401);
  const home = await c.app('/', { headers: { cookie } });
  expect(home.status).toBe(200);
  expect(await home.text()).toContain('You are not signed in');
}

describe('forged and damaged session cookies mean "logged out"', () => {
  it.each([
    ['a flipped ciphertext byte', (v: string) => flip(v, v.lastIndexOf('.') - 5)],
    ['a flipped tag byte', (v: string) => flip(v, v.length - 3)],
    ['a flipped IV byte', (v: string) => flip(v, v.indexOf('..') + 3)],
    ['a truncated value', (v: string) => v.slice(0, v.length / 2)],
    ['a missing segment', (v: string) => v.split('.').slice(0, 4).join('.')],
    ['garbage', () => 'not-a-jwe'],
    ['an empty JWE', () => '....'],
  ])('%s', async (_label, tamper) => {
    await expectLoggedOut(tamper(await realCookie()));
  });

  it('a cookie encrypted under another secret', async () => {
    await expectLoggedOut(await sealSession(session(), await keyringFor(['some-other-secret-0123456789abcdefghijk'])));
  });

  it('alg "none", a wrong alg and a wrong enc in the header', async () => {
    const ring = await keyringFor([SESSION_SECRET]);
    const [, ...rest] = (await sealSession(session(), ring)).split('.');
    for (const header of [
      { alg: 'none', enc: 'A256GCM', kid: ring.current.kid },
      { alg: 'A256KW', enc: 'A256GCM', kid: ring.current.kid },
      { alg: 'dir', enc: 'A128CBC-HS256', kid: ring.current.kid },
      { alg: 'dir', enc: 'A256GCM' },
    ]) {
      await expectLoggedOut([base64url.encode(JSON.stringify(header)), ...rest].join('.'));
    }
  });

  it('an expired session (right key, past exp)', async () => {
    const ring = await keyringFor([SESSION_SECRET]);
    const expired = await new EncryptJWT({ v: 1, at: 'a', rt: 'r', ax: Date.now() + 1000, rx: Date.now() + 1000, u: { id: '1' } })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: ring.current.kid })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .encrypt(ring.current.key);
    await expectLoggedOut(expired);
  });

  it('no 500 for chunked-cookie tricks: a chunk alone, chunks out of order', async () => {
    const value = await realCookie();
    for (const cookie of [`${NAME}.1=${value}`, `${NAME}.0=${value.slice(100)}; ${NAME}.1=${value.slice(0, 100)}`]) {
      const res = await app('/dashboard', { headers: { cookie } });
      expect(res.status).toBe(307);
    }
  });
});

describe('secret rotation', () => {
  const OLD = 'the-old-secret-0123456789abcdefghijklmnopq';
  const NEW = 'the-new-secret-0123456789abcdefghijklmnopq';
  let both: Stack;
  let newOnly: Stack;
  beforeAll(async () => {
    [both, newOnly] = await Promise.all([startStack({}, () => ({ SESSION_SECRET: `${NEW},${OLD}` })), startStack({}, () => ({ SESSION_SECRET: NEW }))]);
  });
  afterAll(() => Promise.all([both?.stop(), newOnly?.stop()]));

  it('a cookie from a rotated-out secret is accepted while the secret is in the list, refused after', async () => {
    const fromOld = await sealSession(session({ user: { id: '7', email: 'old@example.com' } }), await keyringFor([OLD]));
    const c = clientFor({ app: () => both.appUrl, backend: () => both.backendUrl });
    const accepted = await c.app('/api/auth/session', { headers: { cookie: `${NAME}=${fromOld}` } });
    expect((await accepted.json()).user).toEqual({ id: '7', email: 'old@example.com' });
    await expectLoggedOut(fromOld, newOnly.appUrl);
  });
});
