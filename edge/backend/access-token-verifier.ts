import { createRemoteJWKSet, jwtVerify, type JWTVerifyResult } from 'jose';
import type { JwtVerificationConfig } from '../config/types';

export interface AccessTokenVerifier {
  /** True when the access token's signature (and issuer/audience, when configured) check out and it has not expired. */
  verify(token: string): Promise<boolean>;
}

/**
 * Verifies upstream JWT access tokens before their claims are trusted: a remote JWKS (fetched
 * and cached by jose, re-fetched on an unknown `kid`) or an HS256 secret. A verified token is
 * remembered until it expires, so steady traffic pays for one verification per token.
 */
export function createAccessTokenVerifier(config: JwtVerificationConfig, maxRemembered = 1_000): AccessTokenVerifier {
  const claims = { issuer: config.issuer, audience: config.audience };
  let check: (token: string) => Promise<JWTVerifyResult>;
  if (config.jwksUrl) {
    const jwks = createRemoteJWKSet(config.jwksUrl, { timeoutDuration: 5_000 });
    check = (token) => jwtVerify(token, jwks, claims);
  } else {
    const secret = new TextEncoder().encode(config.secret);
    check = (token) => jwtVerify(token, secret, { ...claims, algorithms: ['HS256'] });
  }
  const verified = new Map<string, number>();

  return {
    async verify(token) {
      const until = verified.get(token);
      if (until !== undefined && until > Date.now()) return true;
      try {
        const { payload } = await check(token);
        if (verified.size >= maxRemembered) verified.clear();
        verified.set(token, (payload.exp ?? 0) * 1000);
        return true;
      } catch {
        verified.delete(token);
        return false;
      }
    },
  };
}
