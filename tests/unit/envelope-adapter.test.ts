import { describe, expect, it } from 'vitest';
import { envelope as envelopePreset } from '@/edge/backend/presets/envelope';
import { adapterContext, testConfig } from '../helpers/unit';

const envelope = envelopePreset(testConfig().auth, await adapterContext(testConfig()));

const grant = {
  data: {
    token: 'at',
    token_expires_at: '2030-01-01T00:00:00Z',
    refresh_token: 'rt',
    refresh_token_expires_at: 1_900_000_000,
    user: { id: 7, email: 'a@b.c', name: 'A', password_hash: 'never-kept' },
  },
};

describe('envelope adapter', () => {
  it('describes the login call', async () => {
    const call = await envelope.login!({ email: 'a@b.c', password: 'pw' });
    expect(call).toMatchObject({ path: '/auth/login', method: 'POST' });
    expect(JSON.parse(call.body!)).toEqual({ email: 'a@b.c', password: 'pw' });
  });

  it('reads a login grant: expiries as ISO or epoch seconds, and only the user summary', () => {
    const result = envelope.parseLogin!({ status: 200, json: grant });
    expect(result).toEqual({
      ok: true,
      grant: {
        accessToken: 'at',
        refreshToken: 'rt',
        accessExpiresAt: Date.parse('2030-01-01T00:00:00Z'),
        refreshExpiresAt: 1_900_000_000_000,
        user: { id: '7', email: 'a@b.c', name: 'A' },
      },
    });
  });

  it.each([
    [422, { message: 'Invalid.', data: { email: ['Bad email.'] } }, 'validation_failed', 422],
    [401, { message: 'Wrong.' }, 'invalid_credentials', 401],
    [403, {}, 'invalid_credentials', 403],
    [429, { message: 'Slow down.' }, 'backend_rejected', 429],
    [500, undefined, 'backend_error', undefined],
    [200, { data: {} }, 'backend_error', undefined],
    [200, undefined, 'backend_error', undefined], // an HTML page with 200
  ])('login status %i → %s', (status, json, code, httpStatus) => {
    const result = envelope.parseLogin!({ status, json });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.status).toBe(httpStatus);
    }
  });

  it('keeps field errors from data', () => {
    const result = envelope.parseLogin!({ status: 422, json: { message: 'Invalid.', data: { email: ['Bad email.'], password: 'Too short.' } } });
    expect(!result.ok && result.error.fields).toEqual({ email: ['Bad email.'], password: ['Too short.'] });
  });

  it("refresh: only the API's own JSON 400/401/403 is definitive; HTML 401/403 (a WAF, a CDN), 5xx, 429 and malformed answers are transient", () => {
    expect(envelope.parseRefresh({ status: 200, json: grant }).ok).toBe(true);
    for (const status of [400, 401, 403]) expect(envelope.parseRefresh({ status, json: { error: 'invalid_grant' } })).toMatchObject({ ok: false, kind: 'rejected' });
    for (const status of [408, 429, 500, 502, 503, 504]) expect(envelope.parseRefresh({ status, json: undefined })).toMatchObject({ ok: false, kind: 'transient' });
    expect(envelope.parseRefresh({ status: 200, json: '<html>' })).toMatchObject({ ok: false, kind: 'transient' });
    for (const status of [401, 403]) expect(envelope.parseRefresh({ status, json: undefined })).toMatchObject({ ok: false, kind: 'transient' });
  });

  it('logout sends the bearer and the refresh token for revocation', async () => {
    const call = (await envelope.logout({ accessToken: 'at', refreshToken: 'rt' }))!;
    expect(call.headers?.authorization).toBe('Bearer at');
    expect(JSON.parse(call.body!)).toEqual({ refresh_token: 'rt' });
  });
});
