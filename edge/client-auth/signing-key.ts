import { calculateJwkThumbprint, exportJWK, importJWK, importPKCS8, type JWK } from 'jose';
import { SIGNING_ALGS } from '../config/client-auth.ts';
import type { PrivateKeyConfig, SigningAlg } from '../config/types.ts';
import { ConfigError } from '../errors.ts';

export interface SigningKey {
  key: CryptoKey;
  alg: SigningAlg;
  kid: string;
  /** What to register at the provider, and what `<auth>/jwks` publishes. */
  publicJwk: JWK;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * Imports a private key from the environment (AUTH_CLIENT_PRIVATE_KEY, AUTH_DPOP_PRIVATE_KEY) once, at start-up, so a key that does not import is a configuration error then, not
 * a failed sign-in later. A PEM does not say its algorithm: WebCrypto refuses a key of another type or curve, so the
 * first algorithm it imports under is the key's (RSA keys default to RS256; AUTH_CLIENT_SIGNING_ALG=PS256 for PSS).
 */
export async function importSigningKey(config: PrivateKeyConfig, variable: string): Promise<SigningKey> {
  let imported: { key: CryptoKey; alg: SigningAlg; jwk: JWK } | undefined;
  if (config.jwk) {
    const alg = config.alg!;
    imported = await importJWK(config.jwk as JWK, alg).then(
      (key) => ({ key: key as CryptoKey, alg, jwk: config.jwk as JWK }),
      () => undefined,
    );
  } else {
    for (const alg of config.alg ? [config.alg] : SIGNING_ALGS) {
      imported = await importPKCS8(config.pem!, alg, { extractable: true }).then(
        async (key) => ({ key: await importPKCS8(config.pem!, alg), alg, jwk: await exportJWK(key) }),
        () => undefined,
      );
      if (imported) break;
    }
  }
  if (!imported) throw new ConfigError([`${variable} does not import as a private key for ${config.alg ?? SIGNING_ALGS.join(', ')}.`]);
  const publicJwk: JWK = Object.fromEntries(Object.entries(imported.jwk).filter(([name]) => !PRIVATE_MEMBERS.includes(name)));
  const kid = config.kid ?? (await calculateJwkThumbprint(publicJwk));
  return { key: imported.key, alg: imported.alg, kid, publicJwk: { ...publicJwk, kid, alg: imported.alg, use: 'sig' } };
}
