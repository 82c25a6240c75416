// Django REST framework SimpleJWT with ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION on:
// no expiry fields in the answers (the JWT exp claims carry them), DRF-style errors.

export function simplejwtRoutes({ tokens, users, stats, faults, send, readJson }) {
  return {
    async 'POST /api/token/'(req, res) {
      stats.loginCalls++;
      const body = (await readJson(req)) ?? {};
      const errors = {};
      if (!body.username) errors.username = ['This field is required.'];
      if (!body.password) errors.password = ['This field is required.'];
      if (Object.keys(errors).length) return send(res, 400, errors);
      const user = users.check(body.username, body.password);
      if (!user) return send(res, 401, { detail: 'No active account found with the given credentials' });
      const g = await tokens.login(user);
      send(res, 200, { access: g.accessToken, refresh: g.refreshToken });
    },

    async 'POST /api/token/refresh/'(req, res) {
      const body = (await readJson(req)) ?? {};
      if (await faults.refresh(req, res)) return;
      if (!body.refresh) return send(res, 400, { refresh: ['This field is required.'] });
      const result = await tokens.rotate(body.refresh);
      if (!result.ok) return send(res, 401, { detail: result.reason === 'unknown' ? 'Token is invalid or expired' : 'Token is blacklisted', code: 'token_not_valid' });
      send(res, 200, { access: result.grant.accessToken, refresh: result.grant.refreshToken });
    },

    async 'POST /api/token/blacklist/'(req, res) {
      stats.logoutCalls++;
      const body = (await readJson(req)) ?? {};
      tokens.revokeByRefreshToken(body.refresh ?? '');
      send(res, 200, {});
    },
  };
}
