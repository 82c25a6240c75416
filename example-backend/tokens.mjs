// Token issuing for the example backend: HS256 access tokens and rotating,
// single-use refresh tokens grouped in families (reuse of a spent one revokes the family).
import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

export function createTokenService({ accessTtlSeconds, refreshTtlSeconds }) {
  const key = randomBytes(32);
  const families = new Map(); // familyId -> { user, revoked }
  const refreshTokens = new Map(); // token -> { familyId, used, expiresAt }
  const settings = { accessTtlSeconds, refreshTtlSeconds };

  async function issue(familyId, user) {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + settings.accessTtlSeconds;
    const token = await new SignJWT({ email: user.email, fam: familyId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(user.id))
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomBytes(8).toString('hex'))
      .sign(key);
    const refresh = randomBytes(32).toString('base64url');
    const refreshExp = Date.now() + settings.refreshTtlSeconds * 1000;
    refreshTokens.set(refresh, { familyId, used: false, expiresAt: refreshExp });
    return {
      token,
      token_expires_at: new Date(exp * 1000).toISOString(),
      refresh_token: refresh,
      refresh_token_expires_at: new Date(refreshExp).toISOString(),
      user,
    };
  }

  return {
    settings,
    login(user) {
      const familyId = randomBytes(8).toString('hex');
      families.set(familyId, { user, revoked: false });
      return issue(familyId, user);
    },
    /** { ok, grant } or { ok: false, reason } */
    async rotate(refreshToken) {
      const record = refreshTokens.get(refreshToken);
      if (!record || record.expiresAt < Date.now()) return { ok: false, reason: 'unknown' };
      const family = families.get(record.familyId);
      if (!family || family.revoked) return { ok: false, reason: 'revoked' };
      if (record.used) {
        family.revoked = true;
        return { ok: false, reason: 'reuse_detected' };
      }
      record.used = true;
      return { ok: true, grant: await issue(record.familyId, family.user) };
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
    /** The user of a valid, unrevoked access token, or null. */
    async verify(authorization) {
      const match = /^Bearer (.+)$/.exec(authorization ?? '');
      if (!match) return null;
      try {
        const { payload } = await jwtVerify(match[1], key, { algorithms: ['HS256'] });
        const family = families.get(payload.fam);
        if (!family || family.revoked) return null;
        return { user: family.user, familyId: payload.fam };
      } catch {
        return null;
      }
    },
  };
}
