import { percentDecoded } from '../http/percent-decode.ts';

/**
 * Returns `raw` only when it is a same-origin path, else `fallback`. Refuses
 * protocol-relative (`//host`, `/\host`), schemes, control characters and
 * anything that resolves to another origin, and anything over 2 KB as written or once the URL parser has encoded it
 * (a `next` travels inside a sign-in cookie, which browsers drop beyond 4 KB).
 */
const MAX_NEXT = 2048;

export function safeNextPath(raw: string | null | undefined, fallback = '/'): string {
  if (!raw || raw.length > MAX_NEXT) return fallback;
  // Control characters and backslashes are normalised away or into `/` by browsers.
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return fallback;
  if (!raw.startsWith('/') || raw.startsWith('//')) return fallback;
  const decoded = percentDecoded(raw);
  if (decoded === undefined || decoded.startsWith('//') || /[\u0000-\u001f\u007f\\]/.test(decoded)) return fallback;
  const base = 'http://same.invalid';
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  // Dot segments can normalise into a protocol-relative path: `/..//evil.com` → `//evil.com`.
  if (url.pathname.startsWith('//')) return fallback;
  const path = url.pathname + url.search + url.hash;
  return path.length > MAX_NEXT ? fallback : path;
}
