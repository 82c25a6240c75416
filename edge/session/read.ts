import type { CookieConfig } from '../config/types.ts';
import { joinChunks } from './chunks.ts';
import type { SessionOpener } from './open-cache.ts';
import type { Session } from './types.ts';

/** Reads the (possibly chunked) session cookie through any cookie getter: NextRequest, `cookies()`, a test map. */
export function readSessionValue(get: (name: string) => string | undefined, cookie: CookieConfig): string | undefined {
  return joinChunks(get, cookie.name);
}

export async function readSession(
  get: (name: string) => string | undefined,
  cookie: CookieConfig,
  sessions: SessionOpener,
): Promise<Session | null> {
  const value = readSessionValue(get, cookie);
  return value ? sessions.open(value) : null;
}
