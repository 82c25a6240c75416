// An RFC 6749 token endpoint (password and refresh_token grants, form-encoded), RFC 7009 revocation,
// and an OpenID-style userinfo endpoint. Client authentication is required when CLIENT_ID is set. A token request
// with a valid DPoP proof (RFC 9449) gets a token bound to the proof's key; an invalid proof is refused.

function clientOk(req, form, clientId, clientSecret) {
  if (!clientId) return true;
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (basic) {
    // RFC 6749 §2.3.1: each part is application/x-www-form-urlencoded ('+' is a space).
    const [id, secret] = Buffer.from(basic[1], 'base64').toString().split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
    return id === clientId && secret === clientSecret;
  }
  return form.get('client_id') === clientId && (!clientSecret || form.get('client_secret') === clientSecret);
}

const tokenBody = (g) => ({ access_token: g.accessToken, token_type: g.dpop ? 'DPoP' : 'Bearer', expires_in: g.accessExp - Math.floor(Date.now() / 1000), refresh_token: g.refreshToken });

export function oauth2Routes({ tokens, users, stats, faults, send, readForm, env, proofKey }) {
  return {
    async 'POST /oauth/token'(req, res) {
      const form = await readForm(req);
      if (!clientOk(req, form, env.CLIENT_ID, env.CLIENT_SECRET)) return send(res, 401, { error: 'invalid_client' });
      const jkt = req.headers.dpop === undefined ? undefined : await proofKey(req);
      if (jkt === null) return send(res, 400, { error: 'invalid_dpop_proof' });
      const grantType = form.get('grant_type');
      if (grantType === 'password') {
        stats.loginCalls++;
        if (!form.get('username') || !form.get('password')) return send(res, 400, { error: 'invalid_request', error_description: 'username and password are required' });
        const user = users.check(form.get('username'), form.get('password'));
        if (!user) return send(res, 400, { error: 'invalid_grant', error_description: 'Invalid username or password.' });
        return send(res, 200, tokenBody(await tokens.login(user, jkt)), { 'cache-control': 'no-store' });
      }
      if (grantType === 'refresh_token') {
        if (await faults.refresh(req, res)) return;
        const result = await tokens.rotate(form.get('refresh_token') ?? '', jkt);
        if (!result.ok) return send(res, 400, { error: 'invalid_grant', error_description: `Refresh token ${result.reason}.` });
        return send(res, 200, tokenBody(result.grant), { 'cache-control': 'no-store' });
      }
      send(res, 400, { error: 'unsupported_grant_type' });
    },

    async 'POST /oauth/revoke'(req, res) {
      stats.logoutCalls++;
      const form = await readForm(req);
      if (!clientOk(req, form, env.CLIENT_ID, env.CLIENT_SECRET)) return send(res, 401, { error: 'invalid_client' });
      tokens.revokeByRefreshToken(form.get('token') ?? '');
      send(res, 200, {}); // RFC 7009 §2.2: 200 even for unknown tokens
    },

    async 'GET /oauth/userinfo'(req, res, auth) {
      if (!auth) return send(res, 401, { error: 'invalid_token' });
      send(res, 200, { sub: String(auth.user.id), email: auth.user.email, name: auth.user.name });
    },
  };
}
