// Token issuing for the example backend: signed JWT access tokens (HS256, or ES256 with a JWKS whose key can
// rotate) and rotating, single-use refresh tokens grouped in families: reuse of a spent one revokes the family.
// With `issueRefreshTokens: false` it behaves like an access-token-only API (Sanctum, devise-jwt).
import { randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify } from 'jose';

export async function createTokenService({ accessTtlSeconds, refreshTtlSeconds, alg = 'HS256', secret, issuer, audience, refreshFormat = 'opaque', issueRefreshTokens = true }) {
  let signKey;
  let kid = 'example-1';
  const verifyKeys = new Map(); // kid -> public key (ES256)
  let verifyKey;
  const jwks = { keys: [] };
  async function newEs256Key(id) {
    const pair = await generateKeyPair('ES256');
    kid = id;
    signKey = pair.privateKey;
    verifyKeys.set(id, pair.publicKey);
    jwks.keys.push({ ...(await exportJWK(pair.publicKey)), kid: id, alg: 'ES256', use: 'sig' });
  }
  if (alg === 'ES256') {
    await newEs256Key(kid);
  } else {
    signKey = verifyKey = secret ? new TextEncoder().encode(secret) : randomBytes(32);
  }
  const families = new Map(); // familyId -> { user, revoked }
  const refreshTokens = new Map(); // token -> { familyId, used, expiresAt }
  const settings = { accessTtlSeconds, refreshTtlSeconds };

  const sign = (claims, exp) => {
    let jwt = new SignJWT(claims)
      .setProtectedHeader(alg === 'ES256' ? { alg, kid } : { alg })
      .setIssuedAt()
      .setExpirationTime(exp)
      .setJti(randomBytes(8).toString('hex'));
    if (issuer) jwt = jwt.setIssuer(issuer);
    if (audience) jwt = jwt.setAudience(audience);
    return jwt.sign(signKey);
  };

  async function issue(familyId, user, jkt) {
    const accessExp = Math.floor(Date.now() / 1000) + settings.accessTtlSeconds;
    const claims = { sub: String(user.id), user_id: user.id, email: user.email, fam: familyId, token_type: 'access', ...(jkt ? { cnf: { jkt } } : {}) };
    const accessToken = await sign(claims, accessExp);
    const refreshExpMs = Date.now() + settings.refreshTtlSeconds * 1000;
    if (!issueRefreshTokens) return { accessToken, accessExp, refreshToken: undefined, refreshExpMs, user, dpop: Boolean(jkt) };
    const refreshToken =
      refreshFormat === 'jwt'
        ? await sign({ user_id: user.id, token_type: 'refresh' }, Math.floor(refreshExpMs / 1000))
        : randomBytes(32).toString('base64url');
    refreshTokens.set(refreshToken, { familyId, used: false, expiresAt: refreshExpMs });
    return { accessToken, accessExp, refreshToken, refreshExpMs, user, dpop: Boolean(jkt) };
  }

  return {
    settings,
    jwks,
    /** Signs from now on with a new ES256 key (a new `kid`), as identity providers rotate theirs. */
    rotateSigningKey: () => newEs256Key(`example-${verifyKeys.size + 1}`),
    /** `jkt`: the thumbprint of a DPoP proof's key, when the request carried one: the access token is bound to it. */
    login(user, jkt) {
      const familyId = randomBytes(8).toString('hex');
      families.set(familyId, { user, revoked: false });
      return issue(familyId, user, jkt);
    },
    /** { ok: true, grant } or { ok: false, reason } */
    async rotate(refreshToken, jkt) {
      const record = refreshTokens.get(refreshToken);
      if (!record || record.expiresAt < Date.now()) return { ok: false, reason: 'unknown' };
      const family = families.get(record.familyId);
      if (!family || family.revoked) return { ok: false, reason: 'revoked' };
      if (record.used) {
        family.revoked = true;
        return { ok: false, reason: 'reuse_detected' };
      }
      record.used = true;
      return { ok: true, grant: await issue(record.familyId, family.user, jkt) };
    },
    revokeByRefreshToken(refreshToken) {
      const record = refreshTokens.get(refreshToken);
      const family = record && families.get(record.familyId);
      if (family) family.revoked = true;
      return Boolean(family);
    },
    revokeFamily(familyId) {
      const family = families.get(familyId);
      if (family) family.revoked = true;
    },
    /** The user of a valid, unrevoked access token (and the key it is bound to, `jkt`), or null. */
    async verify(token) {
      try {
        const key = alg === 'ES256' ? (header) => verifyKeys.get(header.kid) : verifyKey;
        const { payload } = await jwtVerify(token, key, { algorithms: [alg] });
        const family = families.get(payload.fam);
        if (payload.token_type !== 'access' || !family || family.revoked) return null;
        return { user: family.user, familyId: payload.fam, jkt: payload.cnf?.jkt };
      } catch {
        return null;
      }
    },
  };
}
