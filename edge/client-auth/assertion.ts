import { SignJWT } from 'jose';
import type { SigningKey } from './signing-key.ts';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A `private_key_jwt` client assertion (RFC 7523 §3): one per call, a minute to live, a fresh `jti` against replay. */
export function clientAssertion(key: SigningKey, clientId: string, audience: string, nowMs: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setJti(crypto.randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + 60)
    .sign(key.key);
}
