import { base64url, importJWK, SignJWT, type JWK } from 'jose';
import { importSigningKey, type SigningKey } from '../client-auth/signing-key.ts';
import type { PrivateKeyConfig } from '../config/types.ts';

/** The public members a proof's `jwk` header carries (RFC 9449 §4.2: no private key, nothing else needed). */
const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e'];
/** Servers seen at once: the backend and the provider; a bound keeps a misbehaving one from growing the map. */
const MAX_NONCE_ORIGINS = 32;

/** DPoP (RFC 9449): proofs signed with the app's key, and the nonces servers hand out. One per process. */
export interface DpopSigner {
  /** A proof for one request (§4.2): its method and URL (no query), the token's hash when one is sent, the latest nonce. */
  proof(method: string, url: URL, accessToken?: string): Promise<string>;
  /**
   * Keeps the `DPoP-Nonce` a server sent with any answer (§8, §9). True when the answer is a nonce challenge (a token
   * endpoint's `use_dpop_nonce` error, a resource server's `WWW-Authenticate: DPoP error="use_dpop_nonce"`), so
   * the request is to be sent once more with a fresh proof.
   */
  learn(url: URL, status: number, headers: Headers, errorCode?: string): boolean;
  /** For oauth4webapi's own DPoP handle (code exchange, PAR, userinfo at sign-in). */
  keyPair: CryptoKeyPair;
}

export async function dpopSigner(config: PrivateKeyConfig, now: () => number): Promise<DpopSigner> {
  const key: SigningKey = await importSigningKey(config, 'AUTH_DPOP_PRIVATE_KEY');
  const jwk: JWK = Object.fromEntries(Object.entries(key.publicJwk).filter(([name]) => PUBLIC_MEMBERS.includes(name)));
  const publicKey = (await importJWK(jwk, key.alg)) as CryptoKey;
  const nonces = new Map<string, string>();
  return {
    keyPair: { privateKey: key.key, publicKey },
    async proof(method, url, accessToken) {
      const claims: Record<string, string> = { htm: method, htu: `${url.origin}${url.pathname}` };
      if (accessToken) claims.ath = base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))));
      const nonce = nonces.get(url.origin);
      if (nonce) claims.nonce = nonce;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk })
        .setJti(crypto.randomUUID())
        .setIssuedAt(Math.floor(now() / 1000))
        .sign(key.key);
    },
    learn(url, status, headers, errorCode) {
      const nonce = headers.get('dpop-nonce');
      if (!nonce) return false;
      if (!nonces.has(url.origin) && nonces.size >= MAX_NONCE_ORIGINS) nonces.delete(nonces.keys().next().value!);
      nonces.set(url.origin, nonce);
      if (status === 400) return errorCode === 'use_dpop_nonce';
      return status === 401 && /\bDPoP\b[^]*\berror="?use_dpop_nonce/i.test(headers.get('www-authenticate') ?? '');
    },
  };
}
