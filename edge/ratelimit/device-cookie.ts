import { base64url } from 'jose';
import { DEFAULTS } from '../config/defaults.ts';
import type { CookieConfig } from '../config/types.ts';
import { digestKey } from '../crypto/digest-key.ts';
import type { SessionKeyring } from '../session/keys.ts';
import { decryptClaims, encryptClaims } from '../session/jwe.ts';

/**
 * A browser that has signed in before: OWASP's device cookie ("Slow Down Online Guessing Attacks with Device Cookies").
 * It names the identifiers that signed in here (as digests, encrypted: the cookie does not say who uses the browser)
 * and a random device id. Failures from it count against that device alone, so strangers failing elsewhere never lock
 * the owner's browsers out (ratelimit/login-limiter.ts).
 */
export interface Device {
  id: string;
  /** Digests of the identifiers that signed in from this browser, newest first. */
  identifiers: string[];
}

const PURPOSE = 'device';
const MAX_IDENTIFIERS = 5;
/** Enough of an identifier digest to tell identifiers apart (96 bits); the cookie stays small. */
const remembered = (exactKey: string) => exactKey.slice(0, 16);

/**
 * The identifier as the device cookie remembers it: exactly as signed in (trimmed, Unicode NFC), not folded like the
 * counting key. `ALÍCE` and `alice` may be two accounts on the backend (Django usernames are case- and accent-
 * sensitive): signing in as one must not make the browser a known device of the other.
 */
export const deviceIdentifierKey = (identifier: string) => digestKey(`device|${identifier.trim().normalize('NFC')}`);

/** `__Host-` like the session cookie when Secure; a year, renewed by every sign-in. */
export function deviceCookie(cookie: CookieConfig) {
  return {
    name: cookie.secure ? '__Host-bff_device' : 'bff_device',
    options: { httpOnly: true, secure: cookie.secure, sameSite: 'lax' as const, path: '/', maxAge: DEFAULTS.deviceCookieSeconds },
  };
}

/** The device, or null for a missing, tampered, expired or foreign cookie (an unknown device). */
export async function openDevice(value: string | undefined, keyring: SessionKeyring, now: number): Promise<Device | null> {
  if (!value || value.length > 1024) return null;
  try {
    const { p, d, i } = await decryptClaims(value, keyring, now);
    if (p !== PURPOSE || typeof d !== 'string' || !Array.isArray(i) || !i.every((x) => typeof x === 'string')) return null;
    return { id: d, identifiers: i as string[] };
  } catch {
    return null;
  }
}

/** Whether this browser has signed in as the identifier: its failures are then the device's own. */
export function knows(device: Device | null, exactKey: string): device is Device {
  return !!device && device.identifiers.includes(remembered(exactKey));
}

/** The cookie after a successful sign-in as the identifier (its deviceIdentifierKey): it joins the list (first), the oldest beyond five leave. */
export function sealDevice(device: Device | null, exactKey: string, keyring: SessionKeyring, now: number): Promise<string> {
  const id = device?.id ?? base64url.encode(crypto.getRandomValues(new Uint8Array(16)));
  const key = remembered(exactKey);
  const identifiers = [key, ...(device?.identifiers ?? []).filter((k) => k !== key)].slice(0, MAX_IDENTIFIERS);
  return encryptClaims({ p: PURPOSE, d: id, i: identifiers }, keyring, now + DEFAULTS.deviceCookieSeconds * 1000, now);
}
