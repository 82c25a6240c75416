// DPoP (RFC 9449) for the example backend: a token request that carries a proof gets a token bound to the proof's key
// (`cnf.jkt`, token_type DPoP, oauth2 mode); a bound token is accepted only as `Authorization: DPoP` with a proof by
// that key for this very request: its method and URL, the token's hash, a recent `iat` and a `jti` never seen before.
import { createHash } from 'node:crypto';
import { EmbeddedJWK, calculateJwkThumbprint, jwtVerify } from 'jose';

const PROOF_MAX_AGE_SECONDS = 60;

export function dpopVerifier() {
  const seen = new Map(); // jti -> when it may be forgotten (ms)
  /** The key thumbprint (RFC 7638) of the request's valid proof, or null. */
  return async function proofKey(req, accessToken) {
    const proof = req.headers.dpop;
    if (typeof proof !== 'string') return null;
    try {
      const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', maxTokenAge: PROOF_MAX_AGE_SECONDS, clockTolerance: 5 });
      const htu = `http://${req.headers.host}${new URL(req.url, 'http://backend').pathname}`;
      if (payload.htm !== req.method || payload.htu !== htu) return null;
      if (accessToken !== undefined && payload.ath !== createHash('sha256').update(accessToken).digest('base64url')) return null;
      const now = Date.now();
      if (typeof payload.jti !== 'string' || (seen.get(payload.jti) ?? 0) > now) return null;
      if (seen.size > 100_000) for (const [jti, until] of seen) if (until <= now) seen.delete(jti);
      seen.set(payload.jti, now + 2 * (PROOF_MAX_AGE_SECONDS + 5) * 1000);
      return await calculateJwkThumbprint(protectedHeader.jwk);
    } catch {
      return null;
    }
  };
}
