import { decodeJwt } from 'jose';

/**
 * Reads an expiry written by a backend: epoch seconds, epoch ms or an ISO date.
 * Returns epoch ms, or undefined when it is absent or unreadable.
 */
export function epochMsFrom(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    return value < 1e12 ? value * 1000 : value;
  }
  if (typeof value === 'string' && value) {
    if (/^\d+$/.test(value)) return epochMsFrom(Number(value));
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** The `exp` of a JWT-shaped token as epoch ms, read without verifying it (a hint for when to refresh). */
export function jwtExpiryMs(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
