import { EncryptJWT, jwtDecrypt, type JWTPayload } from 'jose';
import type { SessionKeyring } from './keys.ts';

/** Encrypts claims as a compact JWE (`dir` + `A256GCM`) under the current key, expiring at `expiresAt` (epoch ms). */
export function encryptClaims(claims: JWTPayload, keyring: SessionKeyring, expiresAt: number, issuedAt?: number): Promise<string> {
  return new EncryptJWT(claims)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: keyring.current.kid })
    .setIssuedAt(issuedAt === undefined ? undefined : Math.floor(issuedAt / 1000))
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .encrypt(keyring.current.key);
}

/**
 * Decrypts with the key its `kid` names, accepting only `dir` + `A256GCM`; jose checks `exp` (at `now` when given).
 * Throws on anything wrong: callers turn that into "not signed in".
 */
export async function decryptClaims(value: string, keyring: SessionKeyring, now?: number): Promise<JWTPayload> {
  const { payload } = await jwtDecrypt(
    value,
    (header) => {
      const key = header.kid ? keyring.byKid.get(header.kid) : undefined;
      if (!key) throw new Error('unknown key');
      return key;
    },
    { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'], ...(now === undefined ? {} : { currentDate: new Date(now) }) },
  );
  return payload;
}
