import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyResult } from 'jose';
import type { JwtVerificationConfig } from '../config/types.ts';

/**
 * `valid`: signature and claims check out. `invalid`: a real signature or claims failure. `unavailable`: the
 * verdict could not be reached (JWKS unreachable, slow or without the token's key): never a reason to log out.
 */
export type Verdict = 'valid' | 'invalid' | 'unavailable';

export interface AccessTokenVerifier {
  verify(token: string): Promise<Verdict>;
}

/** jose failures that are a statement about the token itself; anything else is about reaching the keys. */
const INVALID = [
  errors.JWSSignatureVerificationFailed,
  errors.JWSInvalid,
  errors.JWTInvalid,
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
];

/** How long one JWKS fetch may take (jose's own default is 5 s too). */
export const JWKS_TIMEOUT_MS = 5_000;

/**
 * Verifies upstream JWT access tokens before their claims are trusted: a remote JWKS (fetched
 * and cached by jose, re-fetched on an unknown `kid`) or an HS256 secret. A verified token is
 * remembered until it expires, so steady traffic pays for one verification per token.
 */
export function createAccessTokenVerifier(config: JwtVerificationConfig, now: () => number = Date.now, maxRemembered = 1_000): AccessTokenVerifier {
  const claims = { issuer: config.issuer, audience: config.audience };
  let check: (token: string) => Promise<JWTVerifyResult>;
  if (config.jwksUrl) {
    const jwks = createRemoteJWKSet(config.jwksUrl, { timeoutDuration: JWKS_TIMEOUT_MS });
    check = (token) => jwtVerify(token, jwks, { ...claims, currentDate: new Date(now()) });
  } else {
    const secret = new TextEncoder().encode(config.secret);
    check = (token) => jwtVerify(token, secret, { ...claims, currentDate: new Date(now()), algorithms: ['HS256'] });
  }
  const verified = new Map<string, number>();

  return {
    async verify(token) {
      const until = verified.get(token);
      if (until !== undefined && until > now()) return 'valid';
      try {
        const { payload } = await check(token);
        if (verified.size >= maxRemembered) verified.clear();
        verified.set(token, (payload.exp ?? 0) * 1000);
        return 'valid';
      } catch (error) {
        verified.delete(token);
        return INVALID.some((type) => error instanceof type) ? 'invalid' : 'unavailable';
      }
    },
  };
}
