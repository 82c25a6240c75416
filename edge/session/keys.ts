import { base64url } from 'jose';

/** One key per configured secret; `kid` picks the key on decrypt so rotation costs one attempt, not N. */
export interface SessionKeyring {
  current: { kid: string; key: CryptoKey };
  byKid: Map<string, CryptoKey>;
}

const encoder = new TextEncoder();
const rings = new Map<string, Promise<SessionKeyring>>();

/**
 * What a keyring seals: session cookies (and the device cookie, the successor register, which name their purpose in
 * their claims), or server-mode records' copies for ending them (session/storage/server.ts). Keys of one purpose never
 * open the other's: a record copy read from the store is never a valid session cookie.
 */
export type KeyPurpose = 'session' | 'server-record';

/** Derives (once per secret list and purpose) the AES-256-GCM keys with HKDF-SHA-256 from the configured secrets. */
export function keyringFor(secrets: readonly string[], purpose: KeyPurpose = 'session'): Promise<SessionKeyring> {
  const id = `${purpose}\n${secrets.join('\n')}`;
  let ring = rings.get(id);
  if (!ring) {
    ring = buildKeyring(secrets, purpose);
    rings.set(id, ring);
  }
  return ring;
}

async function buildKeyring(secrets: readonly string[], purpose: KeyPurpose): Promise<SessionKeyring> {
  const keys = await Promise.all(secrets.map((secret) => deriveKey(secret, purpose)));
  return { current: keys[0], byKid: new Map(keys.map((k) => [k.kid, k.key])) };
}

async function deriveKey(secret: string, purpose: KeyPurpose): Promise<{ kid: string; key: CryptoKey }> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey', 'deriveBits']);
  const params = (info: string): HkdfParams => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: encoder.encode('next-edge-bff session'),
    info: encoder.encode(info),
  });
  const key = await crypto.subtle.deriveKey(params(`A256GCM ${purpose} key v1`), material, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const kidBits = await crypto.subtle.deriveBits(params(`${purpose} key id v1`), material, 64);
  return { kid: base64url.encode(new Uint8Array(kidBits)), key };
}
