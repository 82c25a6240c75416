import type { CookieConfig } from '../config/types';
import { joinChunks } from './chunks';
import { openSession } from './codec';
import type { SessionKeyring } from './keys';
import type { Session } from './types';

/** Reads the (possibly chunked) session cookie through any cookie getter: NextRequest, `cookies()`, a test map. */
export function readSessionValue(get: (name: string) => string | undefined, cookie: CookieConfig): string | undefined {
  return joinChunks(get, cookie.name);
}

export async function readSession(
  get: (name: string) => string | undefined,
  cookie: CookieConfig,
  keyring: SessionKeyring,
): Promise<Session | null> {
  const value = readSessionValue(get, cookie);
  return value ? openSession(value, keyring) : null;
}
