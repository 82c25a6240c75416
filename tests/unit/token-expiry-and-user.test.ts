import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { sessionFromGrant } from '@/edge/backend/grant-to-session';
import { userForGrant } from '@/edge/backend/user-source';
import { fakeFetch, testConfig } from '../helpers/unit';

const key = new TextEncoder().encode('k'.repeat(32));
const jwt = (claims: Record<string, unknown>, exp: number) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(key);

describe('expiry from wherever the backend puts it', () => {
  const config = testConfig();
  const now = 1_800_000_000_000;
  const user = { id: '1' };

  it('absolute time, then expires_in, then the JWT exp claim, then the configured default', async () => {
    expect(sessionFromGrant({ accessToken: 'a', refreshToken: 'r', accessExpiresAt: now + 5, user }, config, now)?.accessExpiresAt).toBe(now + 5);
    expect(sessionFromGrant({ accessToken: 'a', refreshToken: 'r', accessExpiresIn: 60, user }, config, now)?.accessExpiresAt).toBe(now + 60_000);
    const token = await jwt({}, 1_800_000_900);
    expect(sessionFromGrant({ accessToken: token, refreshToken: 'r', user }, config, now)?.accessExpiresAt).toBe(1_800_000_900_000);
    expect(sessionFromGrant({ accessToken: 'opaque', refreshToken: 'r', user }, config, now)?.accessExpiresAt).toBe(now + 300_000);
  });

  it('the refresh token expiry comes from its own exp claim (SimpleJWT), and a refresh without one keeps the old refresh token', async () => {
    const refresh = await jwt({}, 1_801_000_000);
    expect(sessionFromGrant({ accessToken: 'a', refreshToken: refresh, user }, config, now)?.refreshExpiresAt).toBe(1_801_000_000_000);
    const previous = { accessToken: 'a', refreshToken: 'old', accessExpiresAt: 0, refreshExpiresAt: now + 99, user };
    expect(sessionFromGrant({ accessToken: 'b' }, config, now, previous)).toMatchObject({ accessToken: 'b', refreshToken: 'old', refreshExpiresAt: now + 99, user });
  });
});

describe('the user summary of a login', () => {
  it('comes from the access token claims when there is no user and no profile path', async () => {
    const token = await jwt({ user_id: 42, email: 'x@y.z' }, 1_900_000_000);
    expect(await userForGrant({ accessToken: token }, {}, { config: testConfig(), fetch })).toEqual({ id: '42', email: 'x@y.z' });
  });

  it('comes from the profile endpoint when one is configured', async () => {
    const backend = fakeFetch(() => Response.json({ data: { user: { id: 9, email: 'p@q.r', name: 'P' } } }));
    const user = await userForGrant({ accessToken: 'opaque' }, {}, { config: testConfig({ AUTH_PROFILE_PATH: '/auth/profile' }), fetch: backend.fetch });
    expect(user).toEqual({ id: '9', email: 'p@q.r', name: 'P' });
    expect(backend.calls[0].url.pathname).toBe('/api/auth/profile');
    expect(new Headers(backend.calls[0].init.headers).get('authorization')).toBe('Bearer opaque');
  });

  it('is undefined for an opaque token without a profile endpoint (the login then fails clearly)', async () => {
    expect(await userForGrant({ accessToken: 'opaque' }, {}, { config: testConfig(), fetch })).toBeUndefined();
  });
});
