import { base64url } from 'jose';

/** One key per configured secret; `kid` picks the key on decrypt so rotation costs one attempt, not N. */
export interface SessionKeyring {
  current: { kid: string; key: CryptoKey };
  byKid: Map<string, CryptoKey>;
}

const encoder = new TextEncoder();
const rings = new Map<string, Promise<SessionKeyring>>();

/** Derives (once per secret list) the AES-256-GCM keys with HKDF-SHA-256 from the configured secrets. */
export function keyringFor(secrets: readonly string[]): Promise<SessionKeyring> {
  const id = secrets.join('\n');
  let ring = rings.get(id);
  if (!ring) {
    ring = buildKeyring(secrets);
    rings.set(id, ring);
  }
  return ring;
}

async function buildKeyring(secrets: readonly string[]): Promise<SessionKeyring> {
  const keys = await Promise.all(secrets.map(deriveKey));
  return { current: keys[0], byKid: new Map(keys.map((k) => [k.kid, k.key])) };
}

async function deriveKey(secret: string): Promise<{ kid: string; key: CryptoKey }> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey', 'deriveBits']);
  const params = (info: string): HkdfParams => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: encoder.encode('next-edge-bff session'),
    info: encoder.encode(info),
  });
  const key = await crypto.subtle.deriveKey(params('A256GCM session key v1'), material, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const kidBits = await crypto.subtle.deriveBits(params('session key id v1'), material, 64);
  return { kid: base64url.encode(new Uint8Array(kidBits)), key };
}
