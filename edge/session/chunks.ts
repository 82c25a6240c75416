/** Most chunks a session may use, written or read: a session needing more is refused, never written unreadable. */
const MAX_CHUNKS = 8;

/** True when `sealed` can be stored in at most MAX_CHUNKS cookies of `chunkSize`. */
export function fitsInCookies(sealed: string, chunkSize: number): boolean {
  return sealed.length <= chunkSize * MAX_CHUNKS;
}

export function chunkName(base: string, index: number): string {
  return `${base}.${index}`;
}

/** Splits a cookie value into pieces of at most `size` characters (JWE is ASCII). */
export function splitValue(value: string, size: number): string[] {
  if (value.length <= size) return [value];
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += size) parts.push(value.slice(i, i + size));
  return parts;
}

/** Reassembles a session value: the plain cookie, or `.0`, `.1`, … in order. */
export function joinChunks(get: (name: string) => string | undefined, base: string): string | undefined {
  const whole = get(base);
  if (whole) return whole;
  let value = '';
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const part = get(chunkName(base, i));
    if (!part) break;
    value += part;
  }
  return value || undefined;
}

/** Every cookie name that may hold part of the session, for clearing stale pieces. */
export function isSessionCookieName(name: string, base: string): boolean {
  return name === base || (name.startsWith(`${base}.`) && /^\d+$/.test(name.slice(base.length + 1)));
}
