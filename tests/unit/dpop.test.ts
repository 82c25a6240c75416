import { base64url, decodeProtectedHeader, EmbeddedJWK, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { dpopSigner } from '@/edge/dpop/signer';
import { ConfigError } from '@/edge/errors';
import { handle } from '@/edge/handle';
import { sealSession } from '@/edge/session/codec';
import { fakeFetch, request, runtime, session, SKEW, testConfig } from '../helpers/unit';

const key = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
const DPOP = { AUTH_PRESET: 'oauth2', AUTH_CLIENT_ID: 'bff', AUTH_CLIENT_SECRET: 's', AUTH_DPOP: '1', AUTH_DPOP_PRIVATE_KEY: JSON.stringify(key) };
const hash = async (token: string) => base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))));

/** A proof as a resource server reads it: signed by the key in its own header (RFC 9449 §4.3). */
async function readProof(proof: string) {
  const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
  return { payload, protectedHeader };
}

describe('DPoP proofs (RFC 9449)', () => {
  it('one per request: method, URL without query or fragment, the token hash, a fresh jti; only the public key in the header', async () => {
    const signer = await dpopSigner({ jwk: key, alg: 'ES256' }, () => 1_700_000_000_000);
    const url = new URL('https://api.example.com/v1/notes?page=2#top');
    const [a, b] = [await signer.proof('POST', url, 'at-1'), await signer.proof('POST', url, 'at-1')];
    const { payload, protectedHeader } = await readProof(a);
    expect(payload).toMatchObject({ htm: 'POST', htu: 'https://api.example.com/v1/notes', ath: await hash('at-1'), iat: 1_700_000_000 });
    expect(payload.nonce).toBeUndefined();
    expect(Object.keys(protectedHeader.jwk!).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect((await readProof(b)).payload.jti).not.toBe(payload.jti);
    expect((await readProof(await signer.proof('POST', new URL('https://id.example.com/token')))).payload.ath).toBeUndefined();
  });

  it('keeps each server its own nonce; a challenge asks for one more try, an answer that only rotates the nonce does not', async () => {
    const signer = await dpopSigner({ jwk: key, alg: 'ES256' }, Date.now);
    const api = new URL('https://api.example.com/x');
    const idp = new URL('https://id.example.com/token');
    expect(signer.learn(api, 401, new Headers({ 'www-authenticate': 'DPoP error="use_dpop_nonce"' }))).toBe(false); // no nonce to use
    expect(signer.learn(api, 401, new Headers({ 'www-authenticate': 'DPoP error="use_dpop_nonce", algs="ES256"', 'dpop-nonce': 'n-api' }))).toBe(true);
    expect(signer.learn(idp, 400, new Headers({ 'dpop-nonce': 'n-idp' }), 'use_dpop_nonce')).toBe(true);
    expect(signer.learn(api, 401, new Headers({ 'www-authenticate': 'DPoP error="invalid_token"', 'dpop-nonce': 'n-api-2' }))).toBe(false);
    expect((await readProof(await signer.proof('GET', api, 't'))).payload.nonce).toBe('n-api-2');
    expect((await readProof(await signer.proof('POST', idp))).payload.nonce).toBe('n-idp');
    expect(signer.learn(idp, 200, new Headers({ 'dpop-nonce': 'n-idp-2' }))).toBe(false);
    expect((await readProof(await signer.proof('POST', idp))).payload.nonce).toBe('n-idp-2');
  });

  it('/api/backend sends `Authorization: DPoP` with a proof for the real backend URL, and answers a nonce challenge once, body intact', async () => {
    let challenges = 1;
    const proofs: string[] = [];
    const backend = fakeFetch(async (url, init) => {
      const proof = new Headers(init.headers).get('dpop')!;
      proofs.push(proof);
      const { payload } = await readProof(proof);
      if (!payload.nonce && challenges-- > 0) {
        return new Response(null, { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': 'n-1' } });
      }
      return Response.json({ htu: payload.htu, nonce: payload.nonce, body: await new Response(init.body).text() });
    });
    const rt = await runtime({ fetch: backend.fetch, env: DPOP });
    const cookie = `${rt.config.cookie.name}=${await sealSession(session(), rt.keyring)}`;
    const send = () =>
      handle(request('/api/backend/notes?x=1', { method: 'POST', headers: { cookie, origin: 'http://localhost:3000', 'content-type': 'application/json', dpop: 'forged' }, body: '{"a":1}' }), rt);
    const res = await send();
    expect(await res.json()).toEqual({ htu: 'http://backend.test/api/notes', nonce: 'n-1', body: '{"a":1}' });
    expect(backend.calls).toHaveLength(2);
    const sent = new Headers(backend.calls[1].init.headers);
    expect(sent.get('authorization')).toBe('DPoP access-1');
    expect(proofs).not.toContain('forged');
    expect(new Set(proofs).size).toBe(2);
    // The nonce is remembered: the next call needs no second try.
    await send();
    expect(backend.calls).toHaveLength(3);
  });

  it('a backend that keeps challenging gets one retry, not a loop: its 401 reaches the client', async () => {
    const backend = fakeFetch(() => new Response(null, { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': crypto.randomUUID() } }));
    const rt = await runtime({ fetch: backend.fetch, env: DPOP });
    const cookie = `${rt.config.cookie.name}=${await sealSession(session(), rt.keyring)}`;
    expect((await handle(request('/api/backend/me', { headers: { cookie } }), rt)).status).toBe(401);
    expect(backend.calls).toHaveLength(2);
  });

  it('the refresh carries a proof for the token endpoint (and its nonce after a challenge); the password grant must come back bound', async () => {
    let challenged = false;
    const backend = fakeFetch(async (url, init) => {
      const { payload } = await readProof(new Headers(init.headers).get('dpop')!);
      expect(payload).toMatchObject({ htm: 'POST', htu: 'http://backend.test/api/oauth/token' });
      if (!challenged) {
        challenged = true;
        return Response.json({ error: 'use_dpop_nonce' }, { status: 400, headers: { 'dpop-nonce': 'n-t' } });
      }
      expect(payload.nonce).toBe('n-t');
      return Response.json({ access_token: 'at-2', refresh_token: 'rt-2', token_type: 'DPoP', expires_in: 300 });
    });
    const rt = await runtime({ fetch: backend.fetch, env: DPOP });
    const outcome = await rt.refresher.refresh(session({ accessExpiresAt: Date.now() - 1 }), SKEW);
    expect(outcome).toMatchObject({ kind: 'refreshed', session: { accessToken: 'at-2' } });
    expect(backend.calls).toHaveLength(2);

    expect(rt.adapter.parseLogin!({ status: 200, json: { access_token: 'a', token_type: 'DPoP' } })).toMatchObject({ ok: true });
    expect(rt.adapter.parseLogin!({ status: 200, json: { access_token: 'a', token_type: 'Bearer' } })).toMatchObject({ ok: false, error: { code: 'backend_error' } });
  });

  it('configuration: needs a key shared by every instance and an OAuth 2 preset; a key that does not import stops the start', async () => {
    const problems = (env: Record<string, string>) => {
      try {
        testConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ AUTH_PRESET: 'oauth2', AUTH_DPOP: '1' })[0]).toMatch(/needs AUTH_DPOP_PRIVATE_KEY/);
    expect(problems({ AUTH_DPOP: '1', AUTH_DPOP_PRIVATE_KEY: JSON.stringify(key) })[0]).toMatch(/AUTH_PRESET=oauth2 or oidc/);
    expect(problems({ AUTH_PRESET: 'oauth2', AUTH_DPOP: 'yes', AUTH_DPOP_PRIVATE_KEY: JSON.stringify(key) })[0]).toMatch(/AUTH_DPOP must be "true" or "false": got "yes"/);
    await expect(runtime({ env: { ...DPOP, AUTH_DPOP_PRIVATE_KEY: JSON.stringify({ ...key, d: 'AAAA' }) } })).rejects.toBeInstanceOf(ConfigError);
    expect(decodeProtectedHeader(await (await dpopSigner({ jwk: key, alg: 'ES256' }, Date.now)).proof('GET', new URL('https://x/'))).typ).toBe('dpop+jwt');
  });
});
