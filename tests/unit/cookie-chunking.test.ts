import { describe, expect, it } from 'vitest';
import { joinChunks } from '@/edge/session/chunks';
import { openSession, sealSession } from '@/edge/session/codec';
import { planSessionCookies } from '@/edge/session/cookie-writes';
import { keyringFor } from '@/edge/session/keys';
import { SECRET, session, testConfig } from '../helpers/unit';

describe('session cookie chunking', () => {
  const { cookie } = testConfig();

  it('a small session is one cookie with the hardened flags and the refresh expiry', () => {
    const [write, ...rest] = planSessionCookies(cookie, 'abc', 1_900_000_000_000, []);
    expect(rest).toEqual([]);
    expect(write.name).toBe('__Host-bff_session');
    expect(write.options).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/', secure: true });
    expect(write.options.expires?.getTime()).toBe(1_900_000_000_000);
  });

  it('a session over the chunk size is split, each piece within the size, and reassembles', async () => {
    const ring = await keyringFor([SECRET]);
    const big = session({ accessToken: 'a'.repeat(6000) });
    const sealed = await sealSession(big, ring);
    const writes = planSessionCookies(cookie, sealed, big.refreshExpiresAt, []);
    expect(writes.length).toBeGreaterThan(1);
    expect(writes.every((w) => w.value.length <= cookie.chunkSize)).toBe(true);
    expect(writes.map((w) => w.name)).toEqual(writes.map((_, i) => `__Host-bff_session.${i}`));
    const jar = new Map(writes.map((w) => [w.name, w.value]));
    const joined = joinChunks((n) => jar.get(n), cookie)!;
    expect(await openSession(joined, ring)).toEqual(big);
  });

  it('chunks the browser still holds but the new value does not use are cleared', () => {
    const writes = planSessionCookies(cookie, 'small', 1_900_000_000_000, ['__Host-bff_session.0', '__Host-bff_session.1', 'theme']);
    expect(writes.map((w) => [w.name, w.options.maxAge])).toEqual([
      ['__Host-bff_session', undefined],
      ['__Host-bff_session.0', 0],
      ['__Host-bff_session.1', 0],
    ]);
  });

  it('clearing removes every session cookie and nothing else', () => {
    const writes = planSessionCookies(cookie, null, 0, ['__Host-bff_session', 'theme', '__Host-bff_session.x']);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ name: '__Host-bff_session', value: '', options: { maxAge: 0 } });
  });

  it('without Secure (plain-http development) the cookie has no __Host- prefix', () => {
    expect(testConfig({ COOKIE_SECURE: 'false' }).cookie.name).toBe('bff_session');
  });
});
