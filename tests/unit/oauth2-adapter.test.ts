import { describe, expect, it } from 'vitest';
import { oauth2 } from '@/edge/backend/presets/oauth2';
import { adapterContext, testConfig } from '../helpers/unit';

const configFor = (env: Record<string, string> = {}) => testConfig({ AUTH_PRESET: 'oauth2', ...env });
const config = (env: Record<string, string> = {}) => configFor(env).auth;
/** The adapter with the client authentication the runtime would build for this environment. */
const oauth2For = async (env: Record<string, string> = {}) => oauth2(config(env), await adapterContext(configFor(env)));
const context = await adapterContext(configFor());

describe('oauth2 adapter (RFC 6749 token endpoint)', () => {
  it('login is a form-encoded password grant; a confidential client authenticates with HTTP Basic', async () => {
    const call = await (await oauth2For({ AUTH_CLIENT_ID: 'my app', AUTH_CLIENT_SECRET: 's3cr:t', AUTH_SCOPE: 'read' })).login!({ email: 'a@b.c', password: 'pw' });
    expect(call.path).toBe('/oauth/token');
    expect(call.headers?.['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(call.body))).toEqual({ grant_type: 'password', username: 'a@b.c', password: 'pw', scope: 'read' });
    expect(call.headers?.authorization).toBe(`Basic ${btoa('my+app:s3cr%3At')}`);
  });

  it('client credentials go in the body when configured so, and a public client sends only client_id', async () => {
    const body = await (await oauth2For({ AUTH_CLIENT_ID: 'app', AUTH_CLIENT_SECRET: 's', AUTH_CLIENT_AUTH: 'body' })).refresh('rt');
    expect(Object.fromEntries(new URLSearchParams(body.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'app', client_secret: 's' });
    expect(body.headers?.authorization).toBeUndefined();
    const pub = await (await oauth2For({ AUTH_CLIENT_ID: 'spa' })).refresh('rt');
    expect(new URLSearchParams(pub.body).get('client_id')).toBe('spa');
    expect(new URLSearchParams(pub.body).get('client_secret')).toBeNull();
  });

  it('reads access_token, refresh_token and expires_in', () => {
    const result = oauth2(config(), context).parseLogin!({ status: 200, json: { access_token: 'at', refresh_token: 'rt', expires_in: 300, token_type: 'Bearer' } });
    expect(result).toEqual({ ok: true, grant: { accessToken: 'at', refreshToken: 'rt', accessExpiresIn: 300, refreshExpiresIn: undefined, user: undefined } });
  });

  it('maps login errors: invalid_grant → invalid credentials, invalid_client → a configuration error, HTML → clear error', () => {
    const a = oauth2(config(), context);
    expect(a.parseLogin!({ status: 400, json: { error: 'invalid_grant', error_description: 'Bad credentials' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials', message: 'Bad credentials', status: 401 },
    });
    expect(a.parseLogin!({ status: 401, json: { error: 'invalid_client' } })).toMatchObject({ ok: false, error: { code: 'backend_error' } });
    expect(a.parseLogin!({ status: 400, json: { error: 'invalid_request' } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(a.parseLogin!({ status: 502, json: undefined })).toMatchObject({ ok: false, error: { code: 'backend_error' } });
    expect(a.parseLogin!({ status: 200, json: { token_type: 'Bearer' } })).toMatchObject({ ok: false, error: { code: 'backend_error' } });
  });

  it('refresh: only invalid_grant logs out; invalid_client, 5xx and HTML pages are transient', () => {
    const a = oauth2(config(), context);
    expect(a.parseRefresh({ status: 400, json: { error: 'invalid_grant' } })).toMatchObject({ ok: false, kind: 'rejected' });
    expect(a.parseRefresh({ status: 401, json: { error: 'invalid_client' } })).toMatchObject({ ok: false, kind: 'transient' });
    expect(a.parseRefresh({ status: 400, json: undefined })).toMatchObject({ ok: false, kind: 'transient' });
    expect(a.parseRefresh({ status: 503, json: undefined })).toMatchObject({ ok: false, kind: 'transient' });
    expect(a.parseRefresh({ status: 200, json: { access_token: 'new' } })).toMatchObject({ ok: true, grant: { accessToken: 'new' } });
  });

  it('logout revokes the refresh token per RFC 7009 only when a revocation path is set', async () => {
    expect(oauth2(config(), context).logout({ accessToken: 'at', refreshToken: 'rt' })).toBeNull();
    const call = (await (await oauth2For({ AUTH_LOGOUT_PATH: '/oauth/revoke' })).logout({ accessToken: 'at', refreshToken: 'rt' }))!;
    expect(call.path).toBe('/oauth/revoke');
    expect(Object.fromEntries(new URLSearchParams(call.body))).toEqual({ token: 'rt', token_type_hint: 'refresh_token' });
  });
});
