/** Five base64url parts: a compact JWE. */
const COMPACT_JWE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * True only for the one encoding our codec writes. jose (like most decoders) also accepts base64url whose unused
 * trailing bits are set, so one valid session has many spellings; accepting only the canonical one means a cookie
 * value names exactly one session, and a valid cookie cannot be multiplied into endless cache keys.
 */
export function isCanonicalSessionValue(value: string): boolean {
  if (!COMPACT_JWE.test(value)) return false;
  for (const part of value.split('.')) {
    const rest = part.length % 4;
    if (rest === 1) return false;
    // 2 or 3 trailing characters carry 1 or 2 bytes: the last character's low 4 or 2 bits are padding, zero when canonical.
    const unused = rest === 2 ? 0b1111 : rest === 3 ? 0b11 : 0;
    if (unused && ALPHABET.indexOf(part[part.length - 1]) & unused) return false;
  }
  return true;
}
