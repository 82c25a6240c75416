import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAccessTokenVerifier } from '@/edge/backend/access-token-verifier';

const secret = 's'.repeat(32);
const hs = (claims: Record<string, unknown> = {}, key = secret, exp: string | number = '5m') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(new TextEncoder().encode(key));

/** Runs `body` with the global fetch replaced (jose's remote JWKS uses it). */
async function withFetch(fake: typeof fetch, body: () => Promise<void>) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = fake;
  try {
    await body();
  } finally {
    globalThis.fetch = realFetch;
  }
}

async function es256(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const sign = (sub: string) => new SignJWT({ sub }).setProtectedHeader({ alg: 'ES256', kid }).setExpirationTime('5m').sign(privateKey);
  return { jwk, sign };
}

describe('upstream JWT verification', () => {
  it('HS256: accepts a good token; a wrong key, an expired token, alg none or garbage are invalid', async () => {
    const v = createAccessTokenVerifier({ secret });
    expect(await v.verify(await hs())).toBe('valid');
    expect(await v.verify(await hs({}, 'x'.repeat(32)))).toBe('invalid');
    expect(await v.verify(await hs({}, secret, Math.floor(Date.now() / 1000) - 10))).toBe('invalid');
    const [, payload] = (await hs()).split('.');
    expect(await v.verify(`${btoa('{"alg":"none"}').replace(/=/g, '')}.${payload}.`)).toBe('invalid');
    expect(await v.verify('opaque-token')).toBe('invalid');
  });

  it('checks issuer and audience when configured', async () => {
    const v = createAccessTokenVerifier({ secret, issuer: 'https://id.example', audience: 'bff' });
    expect(await v.verify(await hs({ iss: 'https://id.example', aud: 'bff' }))).toBe('valid');
    expect(await v.verify(await hs({ iss: 'https://evil.example', aud: 'bff' }))).toBe('invalid');
    expect(await v.verify(await hs({ iss: 'https://id.example', aud: 'other' }))).toBe('invalid');
  });

  it('follows the injected clock', async () => {
    let t = Date.now();
    const v = createAccessTokenVerifier({ secret }, () => t);
    const token = await hs({}, secret, Math.floor(t / 1000) + 60);
    expect(await v.verify(token)).toBe('valid');
    t += 120_000;
    expect(await v.verify(token)).toBe('invalid');
  });

  it('JWKS: verifies against a remote key set, fetched once and cached', async () => {
    const { jwk, sign } = await es256('k1');
    let fetches = 0;
    await withFetch(
      (async () => {
        fetches++;
        return Response.json({ keys: [jwk] });
      }) as typeof fetch,
      async () => {
        const v = createAccessTokenVerifier({ jwksUrl: new URL('https://id.example/.well-known/jwks.json') });
        expect(await v.verify(await sign('a'))).toBe('valid');
        expect(await v.verify(await sign('b'))).toBe('valid');
        expect(fetches).toBe(1);
      },
    );
  });

  it('JWKS unreachable, failing or without the key: unavailable, never invalid', async () => {
    const { sign } = await es256('k1');
    const jwksUrl = new URL('https://id.example/.well-known/jwks.json');
    await withFetch((async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch, async () => {
      expect(await createAccessTokenVerifier({ jwksUrl }).verify(await sign('a'))).toBe('unavailable');
    });
    await withFetch((async () => new Response('<html>503</html>', { status: 503 })) as typeof fetch, async () => {
      expect(await createAccessTokenVerifier({ jwksUrl }).verify(await sign('a'))).toBe('unavailable');
    });
    const other = await es256('k2');
    await withFetch((async () => Response.json({ keys: [other.jwk] })) as typeof fetch, async () => {
      expect(await createAccessTokenVerifier({ jwksUrl }).verify(await sign('a'))).toBe('unavailable');
    });
  });

  it('JWKS reachable, the right key, a forged signature: invalid', async () => {
    const real = await es256('k1');
    const forger = await es256('k1');
    await withFetch((async () => Response.json({ keys: [real.jwk] })) as typeof fetch, async () => {
      expect(await createAccessTokenVerifier({ jwksUrl: new URL('https://id.example/jwks') }).verify(await forger.sign('a'))).toBe('invalid');
    });
  });
});
