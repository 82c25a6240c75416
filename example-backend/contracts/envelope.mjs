// The article's contract: JSON in, `{ data: … }` out, 422 with field errors under `data`.
const grantBody = (g) => ({
  data: {
    token: g.accessToken,
    token_expires_at: new Date(g.accessExp * 1000).toISOString(),
    refresh_token: g.refreshToken,
    refresh_token_expires_at: new Date(g.refreshExpMs).toISOString(),
    user: g.user,
  },
});

export function envelopeRoutes({ tokens, users, stats, faults, send, readJson }) {
  return {
    async 'POST /auth/login'(req, res) {
      stats.loginCalls++;
      const body = await readJson(req);
      if (!body) return send(res, 400, { message: 'Malformed JSON.' });
      const errors = {};
      if (!body.email) errors.email = ['The email field is required.'];
      else if (!String(body.email).includes('@')) errors.email = ['The email must be a valid email address.'];
      if (!body.password) errors.password = ['The password field is required.'];
      if (Object.keys(errors).length) return send(res, 422, { message: 'The given data was invalid.', data: errors });
      const user = users.check(body.email, body.password);
      if (!user) return send(res, 401, { message: 'These credentials do not match our records.' });
      send(res, 200, grantBody(await tokens.login(user)));
    },

    async 'POST /auth/refresh'(req, res) {
      const body = await readJson(req);
      if (await faults.refresh(req, res)) return;
      if (!body?.refresh_token) return send(res, 400, { message: 'refresh_token is required.', error: 'invalid_request' });
      const result = await tokens.rotate(body.refresh_token);
      if (!result.ok) return send(res, 401, { message: `Refresh token rejected (${result.reason}).`, error: 'invalid_grant' });
      send(res, 200, grantBody(result.grant));
    },

    async 'GET /auth/profile'(req, res, auth) {
      if (!auth) return send(res, 401, { message: 'Unauthenticated.' });
      send(res, 200, { data: { user: auth.user } });
    },

    async 'POST /auth/logout'(req, res, auth) {
      stats.logoutCalls++;
      const body = await readJson(req);
      if (auth) tokens.revokeFamily(auth.familyId);
      if (body?.refresh_token) tokens.revokeByRefreshToken(body.refresh_token);
      send(res, 200, { message: 'Logged out.' });
    },
  };
}
