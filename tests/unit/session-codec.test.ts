import { base64url, EncryptJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { openSession, sealSession } from '@/edge/session/codec';
import { keyringFor } from '@/edge/session/keys';
import { SECRET, session } from '../helpers/unit';

const OTHER = 'another-secret-0123456789abcdefghijklmnopqr';

describe('session codec (JWE dir + A256GCM)', () => {
  it('round-trips a session', async () => {
    const ring = await keyringFor([SECRET]);
    const s = session();
    const sealed = await sealSession(s, ring);
    expect(sealed.split('.')).toHaveLength(5);
    expect(sealed).not.toContain('access-1');
    expect(await openSession(sealed, ring)).toEqual(s);
  });

  it('refuses a cookie sealed under a secret that is not configured', async () => {
    const sealed = await sealSession(session(), await keyringFor([OTHER]));
    expect(await openSession(sealed, await keyringFor([SECRET]))).toBeNull();
  });

  it('rotation: the first secret encrypts, all decrypt, a removed one no longer does', async () => {
    const oldCookie = await sealSession(session(), await keyringFor([OTHER]));
    const rotated = await keyringFor([SECRET, OTHER]);
    expect(await openSession(oldCookie, rotated)).not.toBeNull();
    const fresh = await sealSession(session(), rotated);
    expect(await openSession(fresh, await keyringFor([SECRET]))).not.toBeNull();
    expect(await openSession(oldCookie, await keyringFor([SECRET]))).toBeNull();
  });

  it.each([
    ['a flipped ciphertext character', (v: string) => { const p = v.split('.'); p[3] = (p[3][0] === 'A' ? 'B' : 'A') + p[3].slice(1); return p.join('.'); }],
    ['a flipped tag', (v: string) => { const p = v.split('.'); p[4] = (p[4][0] === 'A' ? 'B' : 'A') + p[4].slice(1); return p.join('.'); }],
    ['truncation', (v: string) => v.slice(0, -10)],
    ['garbage', () => 'x.y.z'],
    ['an empty string', () => ''],
  ])('refuses %s (null, never a throw)', async (_label, tamper) => {
    const ring = await keyringFor([SECRET]);
    const sealed = await sealSession(session(), ring);
    expect(await openSession(tamper(sealed), ring)).toBeNull();
  });

  it('refuses other algorithms in the header (alg none, wrong enc)', async () => {
    const ring = await keyringFor([SECRET]);
    const sealed = await sealSession(session(), ring);
    const [, ...rest] = sealed.split('.');
    for (const header of [{ alg: 'none', enc: 'A256GCM', kid: ring.current.kid }, { alg: 'dir', enc: 'A128GCM', kid: ring.current.kid }, { alg: 'A256KW', enc: 'A256GCM', kid: ring.current.kid }]) {
      const forged = [base64url.encode(JSON.stringify(header)), ...rest].join('.');
      expect(await openSession(forged, ring)).toBeNull();
    }
  });

  it('refuses a well-formed token of the wrong shape and an expired one', async () => {
    const ring = await keyringFor([SECRET]);
    const wrongShape = await new EncryptJWT({ v: 1, at: 1 })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: ring.current.kid })
      .setExpirationTime('1h')
      .encrypt(ring.current.key);
    expect(await openSession(wrongShape, ring)).toBeNull();
    const expired = await sealSession(session({ refreshExpiresAt: Date.now() - 1000 }), ring);
    expect(await openSession(expired, ring)).toBeNull();
  });
});
