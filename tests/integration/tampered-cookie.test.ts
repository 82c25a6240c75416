import { describe, expect, it } from 'vitest';
import { app, CookieJar, login, sessionCookieName } from '../helpers/client';

async function sessionJar(): Promise<{ jar: CookieJar; name: string; value: string }> {
  const jar = new CookieJar();
  await login(jar);
  const name = sessionCookieName(jar)!;
  return { jar, name, value: jar.cookies.get(name)! };
}

function flip(value: string, at: number): string {
  const c = value[at];
  return value.slice(0, at) + (c === 'A' ? 'B' : 'A') + value.slice(at + 1);
}

describe('a tampered session cookie means logged out', () => {
  it.each([
    ['a flipped ciphertext byte', (v: string) => flip(v, v.lastIndexOf('.') - 5)],
    ['a flipped tag byte', (v: string) => flip(v, v.length - 3)],
    ['a truncated value', (v: string) => v.slice(0, v.length / 2)],
    ['garbage', () => 'not-a-jwe'],
    ['an empty JWE', () => '....'],
  ])('%s: anonymous, cookie cleared, no 500', async (_label, tamper) => {
    const { name, value } = await sessionJar();
    const cookie = `${name}=${tamper(value)}`;

    const session = await app('/api/auth/session', { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual({ user: null });

    const page = await app('/dashboard', { headers: { cookie } });
    expect(page.status).toBe(307);
    expect(page.headers.getSetCookie().some((c) => c.startsWith(`${name}=;`) && /Max-Age=0/i.test(c))).toBe(true);

    const api = await app('/api/backend/notes', { headers: { cookie } });
    expect(api.status).toBe(401);

    const home = await app('/', { headers: { cookie } });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('You are not signed in');
  });
});
