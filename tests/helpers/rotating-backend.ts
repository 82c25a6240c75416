import { fakeFetch } from './unit';

/**
 * An envelope backend that rotates single-use refresh tokens like Doorkeeper or SimpleJWT with a blacklist:
 * refresh-N → access-(N+1)/refresh-(N+1); a spent refresh token is refused with the API's own JSON 401. `delayMs` makes
 * it commit the rotation at once and answer late; `/notes` answers 200 for a live access token, 401 otherwise.
 */
export function rotatingBackend(clock: () => number, options: { ttlMs?: number; delayMs?: () => number } = {}) {
  const spent = new Set<string>();
  const live = new Map<string, number>(); // access token -> expiry
  const redeemed: string[] = [];
  /** Refresh tokens the BFF revoked at logout. */
  const revoked: string[] = [];
  let issued = 0;
  const backend = fakeFetch(async (url, init) => {
    if (url.pathname.endsWith('/auth/refresh')) {
      const token = JSON.parse(String(init.body)).refresh_token as string;
      redeemed.push(token);
      if (spent.has(token)) return Response.json({ message: 'refresh token already used' }, { status: 401 });
      spent.add(token);
      const n = ++issued;
      const exp = clock() + (options.ttlMs ?? 60_000);
      live.set(`access-${n}`, exp);
      const grant = Response.json({
        data: {
          token: `access-${n}`,
          token_expires_at: new Date(exp).toISOString(),
          refresh_token: `refresh-${n}`,
          refresh_token_expires_at: new Date(clock() + 7 * 24 * 3600_000).toISOString(),
          user: { id: 1, email: 'demo@example.com', name: 'Demo' },
        },
      });
      // Committed above; the answer comes late, and a caller that gives up first never hears it.
      const delay = options.delayMs?.() ?? 0;
      if (delay) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, delay);
          init.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new DOMException('aborted', 'TimeoutError'));
          });
        });
      }
      return grant;
    }
    if (url.pathname.endsWith('/auth/logout')) {
      revoked.push(JSON.parse(String(init.body)).refresh_token as string);
      return Response.json({ ok: true });
    }
    const bearer = new Headers(init.headers).get('authorization')?.slice('Bearer '.length) ?? '';
    const exp = live.get(bearer);
    return exp !== undefined && exp > clock() ? Response.json({ data: [] }) : Response.json({ message: 'expired' }, { status: 401 });
  });
  return { ...backend, redeemed, revoked, issue: (n: number, exp: number) => live.set(`access-${n}`, exp) };
}
