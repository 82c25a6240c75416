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
    const opener = cachedSessionOpener(decrypt, { entries: 10, bytes: 1e6 }, () => t);
    const sealed = await sealSession(session({ refreshExpiresAt: Date.now() + 60_000 }), ring);
    await opener.open(sealed);
    t += 61_000;
    await opener.open(sealed);
    expect(calls.n).toBe(2);
  });

  it('stays bounded, evicting the oldest entries', async () => {
    const { ring, calls, decrypt } = await counted();
    const opener = cachedSessionOpener(decrypt, { entries: 3, bytes: 1e6 });
    const values = await Promise.all(Array.from({ length: 5 }, (_, i) => sealSession(session({ refreshToken: `r${i}` }), ring)));
    for (const v of values) await opener.open(v);
    expect(calls.n).toBe(5);
    await opener.open(values[4]);
    expect(calls.n).toBe(5);
    expect((await opener.open(values[0]))?.refreshToken).toBe('r0');
    expect(calls.n).toBe(6);
  });

  it('is bounded in bytes too: large sessions evict older ones before the entry count is reached', async () => {
    const { ring, calls, decrypt } = await counted();
    const opener = cachedSessionOpener(decrypt, { entries: 1_000, bytes: 40_000 });
    const values = await Promise.all(Array.from({ length: 4 }, (_, i) => sealSession(session({ accessToken: `${i}`.repeat(5_000) }), ring)));
    for (const v of values) await opener.open(v);
    await opener.open(values[3]);
    expect(calls.n).toBe(4);
    await opener.open(values[0]); // evicted by size: decrypted again
    expect(calls.n).toBe(5);
  });

  it('accepts only the canonical encoding: other spellings of a valid session are logged out, without a decrypt', async () => {
    const { ring, calls, decrypt } = await counted();
    const opener = cachedSessionOpener(decrypt);
    const sealed = await sealSession(session(), ring);
    expect(await opener.open(sealed)).not.toBeNull();
    const parts = sealed.split('.');
    const tag = parts[4]; // 16 bytes: 22 characters, the last one carrying 4 unused bits
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = tag.slice(0, -1) + alphabet[alphabet.indexOf(tag.at(-1)!) ^ 0b0001];
    const variants = [[...parts.slice(0, 4), twin].join('.'), ` ${sealed}`, `${sealed} `, sealed.replace('.', '. '), `${sealed}=`];
    for (const v of variants) expect(await opener.open(v)).toBeNull();
    expect(calls.n).toBe(1);
  });
});
