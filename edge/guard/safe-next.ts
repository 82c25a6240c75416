import { percentDecoded } from '../http/percent-decode.ts';

/**
 * Returns `raw` only when it is a same-origin path, else `fallback`. Refuses
 * protocol-relative (`//host`, `/\host`), schemes, control characters and
 * anything that resolves to another origin.
 */
export function safeNextPath(raw: string | null | undefined, fallback = '/'): string {
  if (!raw || raw.length > 2048) return fallback;
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
  return url.pathname + url.search + url.hash;
}
