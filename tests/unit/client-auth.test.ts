import { calculateJwkThumbprint, decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { clientAuthentication } from '@/edge/client-auth/authenticate';
import { basicAuthorization, formUrlEncode } from '@/edge/client-auth/form-encoding';
import { loadConfig } from '@/edge/config/load';
import { ConfigError } from '@/edge/errors';
import { SECRET, testConfig } from '../helpers/unit';

const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
const ISSUER = 'https://id.example.com';
const TOKEN_ENDPOINT = `${ISSUER}/token`;

/** application/x-www-form-urlencoded (WHATWG), plus `~` left as typed: RFC 3986 unreserved. */
function expectedEncoding(char: string): string {
  if (/[A-Za-z0-9*\-._~]/.test(char)) return char;
  if (char === ' ') return '+';
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

async function client(env: Record<string, string>) {
  return clientAuthentication(testConfig({ AUTH_PRESET: 'oauth2', ...env }).auth, Date.now);
}

async function applied(env: Record<string, string>, supported?: string[]) {
  const body = new URLSearchParams({ grant_type: 'refresh_token' });
  const authorization = await (await client(env)).apply({ issuer: ISSUER, tokenEndpoint: TOKEN_ENDPOINT, supported }, body);
  return { authorization, body: Object.fromEntries(body) };
}

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ BACKEND_URL: 'https://api.example.com', SESSION_SECRET: SECRET, AUTH_PRESET: 'oauth2', ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('client_secret_basic encodes ids and secrets as RFC 6749 §2.3.1 says', () => {
  it('every printable ASCII character is form-urlencoded, and unreserved ones are left as they are', () => {
    for (const char of PRINTABLE) expect(formUrlEncode(char), JSON.stringify(char)).toBe(expectedEncoding(char));
    expect(formUrlEncode(PRINTABLE)).toBe([...PRINTABLE].map(expectedEncoding).join(''));
    expect(formUrlEncode('bff.demo-client_1~')).toBe('bff.demo-client_1~');
    expect(formUrlEncode('é€')).toBe('%C3%A9%E2%82%AC');
  });

  it('a form decoder gets every id and secret back exactly, the colon separator included', () => {
    const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
    for (const [id, secret] of [[PRINTABLE, PRINTABLE], ['bff-bcl', 'bff-bcl-secret'], ['a:b', 's+/=ecret'], ['ünï', 'çødé']]) {
      const [user, pass] = atob(basicAuthorization(id, secret).slice('Basic '.length)).split(':');
      expect([decode(user), decode(pass)]).toEqual([id, secret]);
    }
  });

  it("ids and secrets made of '-', '.', '_' and alphanumerics reach a server that does not decode exactly as typed", () => {
    expect(atob(basicAuthorization('bff-bcl', 'bff-bcl.secret_1').slice(6))).toBe('bff-bcl:bff-bcl.secret_1');
  });
});

describe('the client authentication method', () => {
  const secret = { AUTH_CLIENT_ID: 'web-bff', AUTH_CLIENT_SECRET: 's3cret' };

  it('without AUTH_CLIENT_AUTH: Basic when the provider lists it or lists nothing, the body when it lists only that', async () => {
    expect((await applied(secret)).authorization).toBe(basicAuthorization('web-bff', 's3cret'));
    expect((await applied(secret, ['client_secret_basic', 'client_secret_post'])).authorization).toMatch(/^Basic /);
    const post = await applied(secret, ['client_secret_post', 'private_key_jwt']);
    expect(post.authorization).toBeUndefined();
    expect(post.body).toEqual({ grant_type: 'refresh_token', client_id: 'web-bff', client_secret: 's3cret' });
  });

  it('AUTH_CLIENT_AUTH wins over what the provider lists, under its RFC 7591 name or the short one', async () => {
    for (const value of ['body', 'client_secret_post']) {
      expect((await applied({ ...secret, AUTH_CLIENT_AUTH: value }, ['client_secret_basic'])).body.client_secret).toBe('s3cret');
    }
    expect((await applied({ ...secret, AUTH_CLIENT_AUTH: 'client_secret_basic' }, ['client_secret_post'])).authorization).toMatch(/^Basic /);
  });

  it('a public client sends only its id', async () => {
    expect(await applied({ AUTH_CLIENT_ID: 'spa' })).toEqual({ authorization: undefined, body: { grant_type: 'refresh_token', client_id: 'spa' } });
  });

  it('says which method it chose, once, in the log', async () => {
    const lines: string[] = [];
    const info = console.info;
    console.info = (line: string) => lines.push(line);
    try {
      const auth = await client(secret);
      for (let i = 0; i < 3; i++) await auth.apply({ tokenEndpoint: TOKEN_ENDPOINT, supported: ['client_secret_post'] }, new URLSearchParams());
    } finally {
      console.info = info;
    }
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ level: 'info', source: 'bff', event: 'client_auth_method', method: 'client_secret_post', from: 'provider' }]);
    expect(lines.join()).not.toContain('s3cret');
  });
});

describe('private_key_jwt (RFC 7523)', () => {
  for (const alg of ['ES256', 'RS256', 'EdDSA'] as const) {
    it(`${alg}: a signed, single-use assertion for the issuer; the public key at jwks(), as a JWK or a PEM`, async () => {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
      const jwk = await exportJWK(privateKey);
      for (const key of [JSON.stringify(jwk), (await exportPKCS8(privateKey)).replace(/\n/g, '\\n')]) {
        const env = { AUTH_CLIENT_ID: 'web-bff', AUTH_CLIENT_PRIVATE_KEY: key };
        const auth = await client(env);
        const bodies = [new URLSearchParams(), new URLSearchParams()];
        for (const body of bodies) expect(await auth.apply({ issuer: ISSUER, tokenEndpoint: TOKEN_ENDPOINT, supported: ['private_key_jwt'] }, body)).toBeUndefined();
        const [a, b] = bodies.map((body) => body.get('client_assertion')!);
        expect(bodies[0].get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
        expect(bodies[0].get('client_id')).toBe('web-bff');
        expect(bodies[0].get('client_secret')).toBeNull();
        const { payload, protectedHeader } = await jwtVerify(a, publicKey, { issuer: 'web-bff', subject: 'web-bff', audience: ISSUER, algorithms: [alg] });
        expect(payload.exp! - payload.iat!).toBe(60);
        const second = await jwtVerify(b, publicKey);
        expect(second.payload.jti).not.toBe(payload.jti);
        const published = auth.jwks()!.keys;
        expect(published).toHaveLength(1);
        expect(published[0]).not.toHaveProperty('d');
        expect(published[0]).toMatchObject({ alg, use: 'sig', kid: protectedHeader.kid });
        expect(protectedHeader.kid).toBe(await calculateJwkThumbprint(published[0]));
        await jwtVerify(a, await importJWK(published[0], alg));
      }
    });
  }

  it('the assertion audience: the issuer, else the token endpoint, else AUTH_CLIENT_ASSERTION_AUDIENCE; AUTH_CLIENT_KEY_ID names the key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const env = { AUTH_CLIENT_ID: 'web-bff', AUTH_CLIENT_PRIVATE_KEY: JSON.stringify(await exportJWK(privateKey)) };
    const audienceOf = async (extra: Record<string, string>, issuer?: string) => {
      const body = new URLSearchParams();
      await (await client({ ...env, ...extra })).apply({ issuer, tokenEndpoint: TOKEN_ENDPOINT }, body);
      const assertion = body.get('client_assertion')!;
      return { aud: JSON.parse(atob(assertion.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).aud, kid: decodeProtectedHeader(assertion).kid };
    };
    expect((await audienceOf({}, ISSUER)).aud).toBe(ISSUER);
    expect((await audienceOf({})).aud).toBe(TOKEN_ENDPOINT);
    expect(await audienceOf({ AUTH_CLIENT_ASSERTION_AUDIENCE: 'https://login.example.com/oauth2/token', AUTH_CLIENT_KEY_ID: 'bff-2026' }, ISSUER)).toEqual({
      aud: 'https://login.example.com/oauth2/token',
      kid: 'bff-2026',
    });
  });

  it('with both a key and a secret, the key is used where the provider accepts it, the secret elsewhere', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const env = { AUTH_CLIENT_ID: 'web-bff', AUTH_CLIENT_SECRET: 's3cret', AUTH_CLIENT_PRIVATE_KEY: JSON.stringify(await exportJWK(privateKey)) };
    expect((await applied(env, ['private_key_jwt', 'client_secret_basic'])).body.client_assertion).toBeDefined();
    expect((await applied(env, ['client_secret_basic'])).authorization).toMatch(/^Basic /);
  });

  it('configuration errors name the fix', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    expect(problems({ AUTH_CLIENT_AUTH: 'tls_client_auth' })[0]).toMatch(/AUTH_CLIENT_AUTH must be client_secret_basic/);
    expect(problems({ AUTH_CLIENT_ID: 'x', AUTH_CLIENT_AUTH: 'private_key_jwt' })[0]).toMatch(/needs AUTH_CLIENT_PRIVATE_KEY/);
    expect(problems({ AUTH_CLIENT_ID: 'x', AUTH_CLIENT_AUTH: 'basic' })[0]).toMatch(/needs AUTH_CLIENT_SECRET/);
    expect(problems({ AUTH_CLIENT_ID: 'x', AUTH_CLIENT_PRIVATE_KEY: JSON.stringify(await exportJWK(publicKey)) })[0]).toMatch(/public JWK/);
    expect(problems({ AUTH_CLIENT_ID: 'x', AUTH_CLIENT_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\nMII…\n-----END RSA PRIVATE KEY-----' })[0]).toMatch(/openssl pkcs8 -topk8/);
    expect(problems({ AUTH_CLIENT_ID: 'x', AUTH_CLIENT_PRIVATE_KEY: 'not a key' })[0]).toMatch(/private JWK \(JSON\) or a PKCS#8 PEM/);
    expect(problems({ AUTH_CLIENT_PRIVATE_KEY: JSON.stringify(await exportJWK(privateKey)) })[0]).toMatch(/needs AUTH_CLIENT_ID/);
    expect(problems({ AUTH_CLIENT_ID: 'x', AUTH_CLIENT_PRIVATE_KEY: JSON.stringify(await exportJWK(privateKey)), AUTH_CLIENT_SIGNING_ALG: 'HS256' })[0]).toMatch(/AUTH_CLIENT_SIGNING_ALG must be one of/);
    // A key that parses but does not import is refused when the runtime starts, not at the first sign-in.
    const broken = { ...(await exportJWK(privateKey)), d: 'AAAA' };
    await expect(client({ AUTH_CLIENT_ID: 'x', AUTH_CLIENT_PRIVATE_KEY: JSON.stringify(broken) })).rejects.toBeInstanceOf(ConfigError);
  });
});
