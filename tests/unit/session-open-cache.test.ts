import { describe, expect, it } from 'vitest';
import { openSession, sealSession } from '@/edge/session/codec';
import { keyringFor } from '@/edge/session/keys';
import { cachedSessionOpener } from '@/edge/session/open-cache';
import { SECRET, session } from '../helpers/unit';

async function counted() {
  const ring = await keyringFor([SECRET]);
  const calls = { n: 0 };
  const decrypt = (value: string) => {
    calls.n++;
    return openSession(value, ring);
  };
  return { ring, calls, decrypt };
}

describe('decrypted-session cache', () => {
  it('decrypts a cookie once, then serves it from memory; refuses what the codec refuses, without caching it', async () => {
    const { ring, calls, decrypt } = await counted();
    const opener = cachedSessionOpener(decrypt);
    const sealed = await sealSession(session(), ring);
    const first = await opener.open(sealed);
    expect(first?.refreshToken).toBe('refresh-1');
    expect(await opener.open(sealed)).toBe(first);
    expect(calls.n).toBe(1);
    const forged = `${sealed.slice(0, -2)}AA`;
    expect(await opener.open(forged)).toBeNull();
    expect(await opener.open(forged)).toBeNull();
    expect(calls.n).toBe(3);
  });

  it('never serves a cached session past its expiry', async () => {
    const { ring, calls, decrypt } = await counted();
    let t = Date.now();
    const opener = cachedSessionOpener(decrypt, 10, () => t);
    const sealed = await sealSession(session({ refreshExpiresAt: Date.now() + 60_000 }), ring);
    await opener.open(sealed);
    t += 61_000;
    await opener.open(sealed);
    expect(calls.n).toBe(2);
  });

  it('stays bounded, evicting the oldest entries', async () => {
    const { ring, calls, decrypt } = await counted();
    const opener = cachedSessionOpener(decrypt, 3);
    const values = await Promise.all(Array.from({ length: 5 }, (_, i) => sealSession(session({ refreshToken: `r${i}` }), ring)));
    for (const v of values) await opener.open(v);
    expect(calls.n).toBe(5);
    await opener.open(values[4]);
    expect(calls.n).toBe(5);
    expect((await opener.open(values[0]))?.refreshToken).toBe('r0');
    expect(calls.n).toBe(6);
  });
});
