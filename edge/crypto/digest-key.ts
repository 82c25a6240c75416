import { base64url } from 'jose';

/**
 * A secret or personal value is never used as a store or map key as-is: its SHA-256 is, so
 * memory, Redis and logs never hold a refresh token or an email address.
 */
export async function digestKey(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return base64url.encode(new Uint8Array(digest));
}
