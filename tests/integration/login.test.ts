import { beforeEach, describe, expect, it } from 'vitest';
import { app, appUrl, backend, CookieJar, login, newUser, sameOrigin, sessionCookieName } from '../helpers/client';

describe('POST /api/auth/login', () => {
  beforeEach(() => backend.reset());

  it('JSON login answers { user } and sets a hardened, uncacheable session cookie', async () => {
    const jar = new CookieJar();
    const res = await login(jar);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(['user']);
    expect(body.user.email).toMatch(/@example\.com$/);
    expect(JSON.stringify(body)).not.toMatch(/token|eyJ/);
    expect(res.headers.get('cache-control')).toBe('private, no-store');

    const [cookie] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-bff_session=/);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=lax/i);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; Path=\//);
    // The cookie lives as long as the refresh token (the example backend: 7 days).
    const expires = Date.parse(/Expires=([^;]+)/i.exec(cookie)![1]);
    expect(expires - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);
    expect(sessionCookieName(jar)).toBeDefined();
  });

  it('a form post without JavaScript gets a 303 to the validated next path', async () => {
    const user = await newUser();
    const jar = new CookieJar();
    const res = await app('/api/auth/login', {
      method: 'POST',
      jar,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin() },
      body: new URLSearchParams({ ...user, next: '/dashboard?tab=notes' }).toString(),
    });
    expect(res.status).toBe(303);
    // On the host the visitor used (relative, or absolute on that host: never localhost), path validated.
    expect(new URL(res.headers.get('location')!, appUrl()).toString()).toBe(`${appUrl()}/dashboard?tab=notes`);
    expect(sessionCookieName(jar)).toBeDefined();

    const evil = await app('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin() },
      body: new URLSearchParams({ ...user, next: '//evil.example/x' }).toString(),
    });
    expect(evil.status).toBe(303);
    expect(new URL(evil.headers.get('location')!, appUrl()).toString()).toBe(`${appUrl()}/`);
  });

  it('wrong password: the backend status and message come back, and no cookie', async () => {
    const user = await newUser();
    const res = await app('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sameOrigin() },
      body: JSON.stringify({ email: user.email, password: 'nope' }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_credentials', message: 'These credentials do not match our records.' });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('missing fields: 422 with field errors, so the form can show them', async () => {
    const res = await app('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sameOrigin() },
      body: JSON.stringify({ email: '', password: '' }),
    });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error).toBe('validation_failed');
    expect(body.fields.email).toBeDefined();
    expect(body.fields.password).toBeDefined();
  });

  it("the backend's own field errors (under data) are passed through", async () => {
    const res = await app('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sameOrigin() },
      body: JSON.stringify({ email: 'not-an-email', password: 'x' }),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      error: 'validation_failed',
      message: 'The given data was invalid.',
      fields: { email: ['The email must be a valid email address.'] },
    });
  });

  it('a failed form post goes back to the login page with the message', async () => {
    const res = await app('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin() },
      body: new URLSearchParams({ email: 'demo@example.com', password: 'wrong', next: '/dashboard' }).toString(),
    });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!, 'http://x');
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('error')).toBe('invalid_credentials');
    expect(location.searchParams.get('next')).toBe('/dashboard');
  });

  it('unknown content types get 415 JSON (oversized bodies: tests/security/oversized-input)', async () => {
    const text = await app('/api/auth/login', { method: 'POST', headers: { 'content-type': 'text/plain', ...sameOrigin() }, body: 'hi' });
    expect(text.status).toBe(415);
    expect((await text.json()).error).toBe('unsupported_media_type');
  });
});
