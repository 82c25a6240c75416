import { describe, expect, it } from 'vitest';
import { authRoute } from '@/edge/auth/routes';
import { envelopeGrant, fakeFetch, runtime } from '../helpers/unit';
import { NextRequest } from 'next/server';

/** A sign-in posted to `origin` (the app's APP_URL) with the email and password the backend accepts. */
function signIn(origin: string, form = false) {
  const body = form ? new URLSearchParams({ email: 'demo@example.com', password: 'pw' }).toString() : JSON.stringify({ email: 'demo@example.com', password: 'pw' });
  return new NextRequest(`${origin}/api/auth/login`, {
    method: 'POST',
    headers: { origin, 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body,
  });
}

describe('a sign-in whose Secure cookie the browser would drop (plain http, not localhost)', () => {
  it('is refused with a sentence saying what to do, before the backend is called; the form goes back with the code', async () => {
    const backend = fakeFetch(() => envelopeGrant());
    const rt = await runtime({ env: { APP_URL: 'http://app.example.com' }, fetch: backend.fetch });
    const res = await authRoute(signIn('http://app.example.com'), rt);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toBe('insecure_transport');
    expect(body.message).toContain('COOKIE_SECURE=false');
    const form = await authRoute(signIn('http://app.example.com', true), rt);
    expect(new URL(form.headers.get('location')!).searchParams.get('error')).toBe('insecure_transport');
    expect(backend.calls).toHaveLength(0);
  });

  it.each([
    ['https', { APP_URL: 'https://app.example.com' }, 'https://app.example.com'],
    ['localhost over http (browsers keep Secure cookies there)', { APP_URL: 'http://localhost:3000' }, 'http://localhost:3000'],
    ['cookies not Secure (COOKIE_SECURE=false)', { APP_URL: 'http://app.example.com', COOKIE_SECURE: 'false' }, 'http://app.example.com'],
  ])('signs in: %s', async (_case, env, origin) => {
    const rt = await runtime({ env, fetch: fakeFetch(() => envelopeGrant()).fetch });
    expect((await authRoute(signIn(origin), rt)).status).toBe(200);
  });
});
