import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAccessTokenVerifier } from '@/edge/backend/access-token-verifier';

const secret = 's'.repeat(32);
const hs = (claims: Record<string, unknown> = {}, key = secret, exp: string | number = '5m') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(new TextEncoder().encode(key));

describe('upstream JWT verification', () => {
  it('HS256: accepts a good token, refuses a wrong key, an expired token and alg none', async () => {
    const v = createAccessTokenVerifier({ secret });
    expect(await v.verify(await hs())).toBe(true);
    expect(await v.verify(await hs({}, 'x'.repeat(32)))).toBe(false);
    expect(await v.verify(await hs({}, secret, Math.floor(Date.now() / 1000) - 10))).toBe(false);
    const [, payload] = (await hs()).split('.');
    expect(await v.verify(`${btoa('{"alg":"none"}').replace(/=/g, '')}.${payload}.`)).toBe(false);
    expect(await v.verify('opaque-token')).toBe(false);
  });

  it('checks issuer and audience when configured', async () => {
    const v = createAccessTokenVerifier({ secret, issuer: 'https://id.example', audience: 'bff' });
    expect(await v.verify(await hs({ iss: 'https://id.example', aud: 'bff' }))).toBe(true);
    expect(await v.verify(await hs({ iss: 'https://evil.example', aud: 'bff' }))).toBe(false);
    expect(await v.verify(await hs({ iss: 'https://id.example', aud: 'other' }))).toBe(false);
  });

  it('JWKS: verifies against a remote key set, fetched once and cached', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    let fetches = 0;
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async () => {
      fetches++;
      return Response.json({ keys: [jwk] });
    }) as typeof fetch;
    try {
      const v = createAccessTokenVerifier({ jwksUrl: new URL('https://id.example/.well-known/jwks.json') });
      const sign = (sub: string) => new SignJWT({ sub }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setExpirationTime('5m').sign(privateKey);
      expect(await v.verify(await sign('a'))).toBe(true);
      expect(await v.verify(await sign('b'))).toBe(true);
      expect(await v.verify(await hs())).toBe(false);
      expect(fetches).toBe(1);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
