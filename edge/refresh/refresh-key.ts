import { base64url } from 'jose';

/** A refresh token is never used as a key as-is: its SHA-256 is, so memory and logs never hold it. */
export async function refreshKey(refreshToken: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(refreshToken));
  return base64url.encode(new Uint8Array(digest));
}
