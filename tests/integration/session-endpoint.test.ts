import { describe, expect, it } from 'vitest';
import { app, CookieJar, login } from '../helpers/client';

describe('GET /api/auth/session', () => {
  it('answers { user: null } without a session', async () => {
    const res = await app('/api/auth/session');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: null });
  });

  it('answers the user and expiry, and never a token', async () => {
    const jar = new CookieJar();
    await login(jar);
    const res = await app('/api/auth/session', { jar });
    const text = await res.text();
    const body = JSON.parse(text);
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'user']);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    expect(text).not.toMatch(/token|eyJ/i);
    expect(res.headers.get('cache-control')).toContain('no-store');
  });
});
