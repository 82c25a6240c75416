import { describe, expect, it } from 'vitest';
import { simplejwt } from '@/edge/backend/presets/simplejwt';
import { adapterContext, testConfig } from '../helpers/unit';

const context = await adapterContext(testConfig());
const adapter = (env: Record<string, string> = {}) => simplejwt(testConfig({ AUTH_PRESET: 'simplejwt', ...env }).auth, context);

describe('simplejwt adapter (Django REST framework SimpleJWT)', () => {
  it('logs in at /api/token/ with the form email as username; paths keep their trailing slash', async () => {
    const call = await adapter().login!({ email: 'a@b.c', password: 'pw' });
    expect(call.path).toBe('/api/token/');
    expect(JSON.parse(call.body!)).toEqual({ username: 'a@b.c', password: 'pw' });
    expect((await adapter({ AUTH_USERNAME_FIELD: 'email' }).login!({ email: 'a@b.c', password: 'pw' })).body).toBe('{"email":"a@b.c","password":"pw"}');
    expect(adapter().refresh('rt')).toMatchObject({ path: '/api/token/refresh/', body: '{"refresh":"rt"}' });
    expect((await adapter({ AUTH_REFRESH_PATH: '/auth/jwt/refresh/' }).refresh('rt')).path).toBe('/auth/jwt/refresh/');
  });

  it('reads { access, refresh } and a refresh answer with or without rotation', () => {
    expect(adapter().parseLogin!({ status: 200, json: { access: 'at', refresh: 'rt' } })).toEqual({ ok: true, grant: { accessToken: 'at', refreshToken: 'rt' } });
    expect(adapter().parseLogin!({ status: 200, json: { access: 'at' } })).toMatchObject({ ok: false, error: { code: 'backend_error' } });
    expect(adapter().parseRefresh({ status: 200, json: { access: 'at2' } })).toEqual({ ok: true, grant: { accessToken: 'at2', refreshToken: undefined } });
    expect(adapter().parseRefresh({ status: 200, json: { access: 'at2', refresh: 'rt2' } })).toMatchObject({ ok: true, grant: { refreshToken: 'rt2' } });
  });

  it('maps errors: 401 detail → invalid credentials, 400 field errors shown under email, token_not_valid → logout', () => {
    expect(adapter().parseLogin!({ status: 401, json: { detail: 'No active account found with the given credentials' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials', message: 'No active account found with the given credentials' },
    });
    expect(adapter().parseLogin!({ status: 400, json: { username: ['This field is required.'] } })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', fields: { email: ['This field is required.'] } },
    });
    expect(adapter().parseRefresh({ status: 401, json: { detail: 'Token is blacklisted', code: 'token_not_valid' } })).toMatchObject({
      ok: false,
      kind: 'rejected',
      reason: 'token_not_valid',
    });
    expect(adapter().parseRefresh({ status: 500, json: undefined })).toMatchObject({ ok: false, kind: 'transient' });
    // A 401 outside SimpleJWT's contract (a proxy's HTML page, another authentication class) says nothing about the token.
    expect(adapter().parseRefresh({ status: 401, json: undefined })).toMatchObject({ ok: false, kind: 'transient' });
    expect(adapter().parseRefresh({ status: 401, json: { detail: 'Authentication credentials were not provided.' } })).toMatchObject({ ok: false, kind: 'transient' });
    expect(adapter().parseLogin!({ status: 500, json: undefined })).toMatchObject({ ok: false, error: { code: 'backend_error' } });
  });

  it('logs out through the blacklist endpoint, or not at all when disabled', () => {
    expect(adapter().logout({ accessToken: 'at', refreshToken: 'rt' })).toMatchObject({ path: '/api/token/blacklist/', body: '{"refresh":"rt"}' });
    expect(adapter({ AUTH_LOGOUT_PATH: 'none' }).logout({ accessToken: 'at', refreshToken: 'rt' })).toBeNull();
  });
});
