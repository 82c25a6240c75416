import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { app, appUrl, CookieJar, login, newUser, sameOrigin } from '../helpers/client';

const PAYLOADS: string[] = JSON.parse(readFileSync(new URL('../fixtures/open-redirect-payloads.json', import.meta.url), 'utf8'));

/** Wherever `next` is honoured, the visitor lands on a path of this origin. */
function expectSameOrigin(location: string | null) {
  expect(location).toBeTruthy();
  expect(location).not.toMatch(/^\s*[/\\]{2}/);
  const target = new URL(location!, appUrl());
  expect(target.origin).toBe(new URL(appUrl()).origin);
  expect(target.pathname.startsWith('//')).toBe(false);
}

describe(`open redirects: ${PAYLOADS.length} next payloads`, () => {
  const jar = new CookieJar();
  let user: { email: string; password: string };
  beforeAll(async () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(50);
    user = await newUser();
    await login(jar, user);
  });

  it('a signed-in visit to /login?next=… always stays on this origin', async () => {
    for (const payload of PAYLOADS) {
      const res = await app(`/login?next=${encodeURIComponent(payload)}`, { jar });
      expect(res.status, payload).toBe(307);
      expectSameOrigin(res.headers.get('location'));
    }
  });

  it('a form login with next=… always lands on this origin', async () => {
    for (const payload of PAYLOADS) {
      const res = await app('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin() },
        body: new URLSearchParams({ ...user, next: payload }).toString(),
      });
      expect(res.status, payload).toBe(303);
      expectSameOrigin(res.headers.get('location'));
    }
  });

  it('a failed form login keeps next only as a query value on the login page', async () => {
    for (const payload of PAYLOADS.slice(0, 10)) {
      const res = await app('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...sameOrigin() },
        body: new URLSearchParams({ email: user.email, password: 'wrong', next: payload }).toString(),
      });
      expectSameOrigin(res.headers.get('location'));
      expect(new URL(res.headers.get('location')!, appUrl()).pathname).toBe('/login');
    }
  });
});
