import type { ClientAuthConfig, ClientAuthMethod, PrivateKeyConfig, SigningAlg } from './types.ts';
import { lookup } from '../lookup.ts';
import { parseBool, parseChoice } from './parse-values.ts';

const METHODS: Record<string, ClientAuthMethod> = {
  basic: 'client_secret_basic',
  client_secret_basic: 'client_secret_basic',
  body: 'client_secret_post',
  post: 'client_secret_post',
  client_secret_post: 'client_secret_post',
  private_key_jwt: 'private_key_jwt',
};

export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];

/**
 * How this app authenticates as an OAuth client at the token, revocation and PAR endpoints (RFC 6749 §2.3,
 * RFC 7523 §2.2). Without AUTH_CLIENT_AUTH the method is chosen per call from what the provider publishes.
 */
export function readClientAuth(read: (name: string) => string | undefined, problems: string[]): ClientAuthConfig {
  const raw = read('AUTH_CLIENT_AUTH');
  const method = raw === undefined ? undefined : lookup(METHODS, raw);
  if (raw !== undefined && !method) {
    problems.push(`AUTH_CLIENT_AUTH must be client_secret_basic (or basic), client_secret_post (or body) or private_key_jwt: got "${raw}".`);
  }
  const privateKey = readPrivateKey(read, problems, CLIENT_KEY);
  if (method === 'private_key_jwt' && !privateKey && !read('AUTH_CLIENT_PRIVATE_KEY')) {
    problems.push('AUTH_CLIENT_AUTH=private_key_jwt needs AUTH_CLIENT_PRIVATE_KEY: the private JWK (JSON) or PKCS#8 PEM whose public half is registered at the provider.');
  }
  if ((method === 'private_key_jwt' || privateKey) && !read('AUTH_CLIENT_ID')) problems.push('AUTH_CLIENT_PRIVATE_KEY needs AUTH_CLIENT_ID: the client the key signs for.');
  if ((method === 'client_secret_basic' || method === 'client_secret_post') && !read('AUTH_CLIENT_SECRET')) {
    problems.push(`AUTH_CLIENT_AUTH=${raw} needs AUTH_CLIENT_SECRET.`);
  }
  const audience = read('AUTH_CLIENT_ASSERTION_AUDIENCE');
  if (audience !== undefined && !isUrl(audience)) problems.push(`AUTH_CLIENT_ASSERTION_AUDIENCE must be a URL (the provider's issuer or token endpoint): got "${audience}".`);
  return { method, privateKey, assertionAudience: audience };
}

/**
 * DPoP (RFC 9449, AUTH_DPOP=1 or OIDC_DPOP=1): tokens bound to a key only this app's servers hold. The key comes from
 * the environment so that every instance signs with the same one (a token refreshed on one is usable on all).
 */
export function readDpop(read: (name: string) => string | undefined, problems: string[], preset: string): PrivateKeyConfig | undefined {
  if (!parseBool(read('AUTH_DPOP') ?? read('OIDC_DPOP'), 'AUTH_DPOP', false, problems)) return undefined;
  if (preset !== 'oauth2' && preset !== 'oidc') problems.push('AUTH_DPOP=1 needs an OAuth 2 server: AUTH_PRESET=oauth2 or oidc.');
  const key = readPrivateKey(read, problems, DPOP_KEY);
  if (!key && !read(DPOP_KEY.key)) problems.push('AUTH_DPOP=1 needs AUTH_DPOP_PRIVATE_KEY: a private JWK (JSON) or PKCS#8 PEM, the same on every instance (`npx next-edge-bff secret --jwk` makes one).');
  return key;
}

interface KeyVariables {
  key: string;
  alg: string;
  kid?: string;
}

const CLIENT_KEY: KeyVariables = { key: 'AUTH_CLIENT_PRIVATE_KEY', alg: 'AUTH_CLIENT_SIGNING_ALG', kid: 'AUTH_CLIENT_KEY_ID' };
const DPOP_KEY: KeyVariables = { key: 'AUTH_DPOP_PRIVATE_KEY', alg: 'AUTH_DPOP_SIGNING_ALG' };

function readPrivateKey(read: (name: string) => string | undefined, problems: string[], names: KeyVariables): PrivateKeyConfig | undefined {
  const text = read(names.key);
  if (!text) return undefined;
  const given = read(names.alg);
  const alg = parseChoice(given, names.alg, SIGNING_ALGS, problems);
  if (given !== undefined && alg === undefined) return undefined;
  const kid = names.kid ? read(names.kid) : undefined;
  if (text.startsWith('{')) {
    let jwk: Record<string, unknown>;
    try {
      jwk = JSON.parse(text) as Record<string, unknown>;
    } catch {
      problems.push(`${names.key} is not valid JSON (a JWK) nor a PEM.`);
      return undefined;
    }
    if (typeof jwk.d !== 'string') {
      problems.push(`${names.key} is a public JWK: it must be the private key (with "d").`);
      return undefined;
    }
    const jwkAlg = typeof jwk.alg === 'string' ? jwk.alg : undefined;
    const chosen = (alg ?? jwkAlg ?? algForJwk(jwk)) as SigningAlg | undefined;
    if (!chosen || !(SIGNING_ALGS as readonly string[]).includes(chosen)) {
      problems.push(`${names.key}: no supported signing algorithm for this key (${SIGNING_ALGS.join(', ')}); set ${names.alg}.`);
      return undefined;
    }
    return { jwk, alg: chosen, kid: kid ?? (typeof jwk.kid === 'string' ? jwk.kid : undefined) };
  }
  // Hosts' environment editors often keep a PEM on one line with literal "\n".
  const pem = text.replace(/\\n/g, '\n');
  if (/-----BEGIN (RSA|EC) PRIVATE KEY-----/.test(pem)) {
    problems.push(`${names.key} is a PKCS#1/SEC1 PEM: convert it to PKCS#8 with \`openssl pkcs8 -topk8 -nocrypt -in key.pem\`.`);
    return undefined;
  }
  if (!pem.includes('-----BEGIN PRIVATE KEY-----')) {
    problems.push(`${names.key} must be a private JWK (JSON) or a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----").`);
    return undefined;
  }
  return { pem, alg: alg as SigningAlg | undefined, kid };
}

/** The usual algorithm of a key type, when the JWK names none. */
function algForJwk(jwk: Record<string, unknown>): SigningAlg | undefined {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC') return jwk.crv === 'P-256' ? 'ES256' : jwk.crv === 'P-384' ? 'ES384' : undefined;
  if (jwk.kty === 'OKP') return jwk.crv === 'Ed25519' ? 'EdDSA' : undefined;
  return undefined;
}

function isUrl(value: string): boolean {
  try {
    return Boolean(new URL(value));
  } catch {
    return false;
  }
}
