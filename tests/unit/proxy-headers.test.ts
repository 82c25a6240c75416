import { describe, expect, it } from 'vitest';
import { establishedClientIp } from '@/edge/ratelimit/client-ip';
import { withoutTrailingSlash } from '@/edge/guard/trailing-slash';
import { clientResponseHeaders } from '@/edge/proxy/response-headers';
import { upstreamHeaders } from '@/edge/proxy/upstream-headers';
import { publicOrigin } from '@/edge/request/public-origin';

const target = new URL('http://10.0.0.5:8000/api/x');
const rules = { sessionCookie: '__Host-bff_session', backendBase: new URL('http://10.0.0.5:8000/api'), publicPrefix: new URL('https://app.example/api/backend') };

describe('request headers to the backend', () => {
  const browser = new Headers({
    accept: 'application/json',
    'content-type': 'application/json',
    cookie: '__Host-bff_session=x; theme=dark',
    authorization: 'Bearer forged',
    'x-forwarded-for': '6.6.6.6',
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'gopher',
    forwarded: 'for=6.6.6.6;host=evil.example',
    'x-real-ip': '6.6.6.6',
    'x-http-method-override': 'DELETE',
    'x-http-method': 'DELETE',
    'x-method-override': 'DELETE',
    'x-middleware-subrequest': 'middleware',
    'x-vercel-forwarded-for': '203.0.113.9',
    'x-vercel-ip-country': 'ZZ',
    'x-open-next-region': 'forged',
    'cf-connecting-ip': '203.0.113.9',
    'true-client-ip': '203.0.113.9',
    'x-nextjs-data': '1',
    connection: 'keep-alive, x-secret-hop',
    'x-secret-hop': '1',
    'content-length': '12',
  });

  it('replaces forwarding headers with what the BFF knows, drops overrides, credentials, platform and hop-by-hop headers', () => {
    const sent = upstreamHeaders(new Headers([...browser, ['dpop', 'eyJ.forged.proof']]), { clientIp: '203.0.113.7', host: 'app.example', proto: 'https' });
    expect(Object.fromEntries(sent)).toEqual({
      accept: 'application/json',
      'content-type': 'application/json',
      'x-forwarded-for': '203.0.113.7',
      'x-real-ip': '203.0.113.7',
      'x-forwarded-host': 'app.example',
      'x-forwarded-proto': 'https',
      forwarded: 'for=203.0.113.7;host="app.example";proto=https',
    });
  });

  it('quotes IPv6 in Forwarded; with no established client address, sends none of the three address headers', () => {
    expect(upstreamHeaders(browser, { clientIp: '2001:db8::1', host: 'h', proto: 'http' }).get('forwarded')).toBe('for="[2001:db8::1]";host="h";proto=http');
    const unknown = upstreamHeaders(new Headers({ 'x-forwarded-for': '203.0.113.99', forwarded: 'for=203.0.113.99' }), { host: 'h', proto: 'http' });
    expect(unknown.get('x-forwarded-for')).toBeNull();
    expect(unknown.get('x-real-ip')).toBeNull();
    expect(unknown.get('forwarded')).toBeNull();
    expect(unknown.get('x-forwarded-host')).toBe('h');
  });

  it('establishes a client address only on Vercel or behind trusted proxies', () => {
    const forged = new Headers({ 'x-forwarded-for': '203.0.113.99', 'x-real-ip': '203.0.113.98' });
    expect(establishedClientIp(forged, { onVercel: false, trustedProxyCount: 0 })).toBeUndefined();
    expect(establishedClientIp(forged, { onVercel: false, trustedProxyCount: 1 })).toBe('203.0.113.99');
    expect(establishedClientIp(forged, { onVercel: true, ipHeader: 'x-real-ip', trustedProxyCount: 0 })).toBe('203.0.113.98');
  });

  it("takes the public host from a client's X-Forwarded-Host only behind a trusted proxy or platform", () => {
    const headers = new Headers({ host: 'app.example:3000', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' });
    const req = { headers, nextUrl: new URL('http://localhost:3000/x') };
    expect(publicOrigin(req, { clientIp: { onVercel: false, trustedProxyCount: 0 } })).toEqual({ host: 'app.example:3000', proto: 'http' });
    expect(publicOrigin(req, { clientIp: { onVercel: false, trustedProxyCount: 1 } })).toEqual({ host: 'evil.example', proto: 'https' });
    expect(publicOrigin(req, { appUrl: new URL('https://app.example'), clientIp: { onVercel: true, ipHeader: 'x-real-ip', trustedProxyCount: 0 } })).toEqual({ host: 'app.example', proto: 'https' });
  });

  it('behind trusted proxies, the host the outermost one wrote, never the leftmost the client sent (AWS ALB passes it on, Apache appends)', () => {
    const headers = new Headers({ host: 'internal:3000', 'x-forwarded-host': 'evil.example, app.example', 'x-forwarded-proto': 'http, https' });
    const req = { headers, nextUrl: new URL('http://localhost:3000/x') };
    expect(publicOrigin(req, { clientIp: { onVercel: false, trustedProxyCount: 1 } })).toEqual({ host: 'app.example', proto: 'https' });
    expect(publicOrigin(req, { clientIp: { onVercel: false, trustedProxyCount: 2 } })).toEqual({ host: 'evil.example', proto: 'http' });
  });
});

describe('response headers to the browser', () => {
  it('drops what Next would act on and hop-by-hop headers; keeps the rest', () => {
    const upstream = new Headers({
      'content-type': 'application/json',
      'x-request-id': 'r1',
      'x-middleware-rewrite': 'http://evil.example/',
      'x-middleware-set-cookie': 'a=b',
      'x-middleware-next': '1',
      'x-nextjs-redirect': '/x',
      'x-nextjs-rewrite': '/y',
      connection: 'close, x-hop',
      'x-hop': '1',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'cache-control': 'max-age=60',
    });
    expect(Object.fromEntries(clientResponseHeaders(upstream, rules, target))).toEqual({
      'content-type': 'application/json',
      'x-request-id': 'r1',
      'cache-control': 'private, max-age=60',
      vary: 'Cookie',
    });
  });

  it('a backend Set-Cookie can neither set nor clear the session cookie or its chunks; others pass', () => {
    const upstream = new Headers();
    for (const c of ['__Host-bff_session=evil; Path=/', '__Host-bff_session.0=evil', '__Host-bff_session=; Max-Age=0', 'csrftoken=abc; Path=/', '__Host-bff_session_x=1']) upstream.append('set-cookie', c);
    expect(clientResponseHeaders(upstream, rules, target).getSetCookie()).toEqual(['csrftoken=abc; Path=/', '__Host-bff_session_x=1']);
  });

  it('maps redirects into the backend to the public prefix; other redirects pass', () => {
    const location = (l: string) => clientResponseHeaders(new Headers({ location: l }), rules, new URL('http://10.0.0.5:8000/api/notes')).get('location');
    expect(location('http://10.0.0.5:8000/api/notes/?page=2#top')).toBe('https://app.example/api/backend/notes/?page=2#top');
    expect(location('/api/me/')).toBe('https://app.example/api/backend/me/');
    expect(location('me/')).toBe('https://app.example/api/backend/me/');
    expect(location('?page=3')).toBe('https://app.example/api/backend/notes?page=3');
    expect(location('/elsewhere')).toBe('https://app.example/elsewhere');
    expect(location('https://cdn.example/file')).toBe('https://cdn.example/file');
    expect(location('http://[bad')).toBeNull();
  });

  it('is private unless the backend said it may be shared, and varies by cookie; event streams are never compressed into a buffer', () => {
    const cacheControl = (value?: string) => clientResponseHeaders(new Headers(value ? { 'cache-control': value } : {}), rules, target).get('cache-control');
    expect(cacheControl()).toBe('private');
    // Per-user data with a lifetime: a shared cache would have served it to everyone (the browser sends no Authorization).
    expect(cacheControl('max-age=60')).toBe('private, max-age=60');
    expect(cacheControl('no-cache')).toBe('private, no-cache');
    for (const decided of ['public, max-age=5', 'max-age=0, s-maxage=30', 'private, max-age=9', 'no-store']) expect(cacheControl(decided)).toBe(decided);
    expect(clientResponseHeaders(new Headers({ vary: 'Accept-Encoding' }), rules, target).get('vary')).toBe('Accept-Encoding, Cookie');
    expect(clientResponseHeaders(new Headers({ vary: '*' }), rules, target).get('vary')).toBe('*');
    expect(clientResponseHeaders(new Headers({ 'content-type': 'text/event-stream' }), rules, target).get('cache-control')).toBe('private, no-transform');
  });

  it('drops the length of a body that fetch has decoded, keeps it otherwise', () => {
    expect(clientResponseHeaders(new Headers({ 'content-length': '10', 'content-encoding': 'gzip' }), rules, target).get('content-length')).toBeNull();
    expect(clientResponseHeaders(new Headers({ 'content-length': '10' }), rules, target).get('content-length')).toBe('10');
  });
});

describe('trailing slashes outside /api/backend', () => {
  it.each([
    ['/dashboard/', '/dashboard'],
    ['/a/b//', '/a/b'],
    ['//evil.example/', '/evil.example'],
    ['/\\evil.example/', '/evil.example'],
  ])('%s → %s', (path, expected) => expect(withoutTrailingSlash(path)).toBe(expected));

  it('leaves / and slash-less paths alone', () => {
    expect(withoutTrailingSlash('/')).toBeUndefined();
    expect(withoutTrailingSlash('/dashboard')).toBeUndefined();
  });
});
