import { base64url, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { OidcContext } from './context.ts';
import { lookup } from '../lookup.ts';

/** The hash behind `at_hash` for each signing algorithm family (OpenID Connect Core §3.1.3.6). */
const HASH: Record<string, string> = { '256': 'SHA-256', '384': 'SHA-384', '512': 'SHA-512', EdDSA: 'SHA-512', Ed25519: 'SHA-512' };

/**
 * The ID token's signature against the provider's published keys, its issuer and audience (oauth4webapi has checked
 * the claims and the nonce; it leaves the signature to TLS), and `at_hash` when present: the access token that came
 * with it is the one it was issued for. Throws on any failure.
 */
export async function verifyIdToken(idToken: string, accessToken: string, oidc: OidcContext, issuer: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(idToken, await oidc.keys(), { issuer, audience: oidc.auth.clientId });
  if (payload.at_hash !== undefined) {
    const { alg = '' } = decodeProtectedHeader(idToken);
    const hash = lookup(HASH, alg) ?? lookup(HASH, alg.slice(-3));
    if (!hash) throw new errors.JOSEAlgNotAllowed(`no at_hash digest for ${alg}`);
    const digest = new Uint8Array(await crypto.subtle.digest(hash, new TextEncoder().encode(accessToken)));
    if (payload.at_hash !== base64url.encode(digest.slice(0, digest.length / 2))) {
      throw new errors.JWTClaimValidationFailed('at_hash does not match the access token', payload, 'at_hash', 'check_failed');
    }
  }
  return payload;
}
