import { describe, expect, it } from 'vitest';
import { csrfError } from '@/edge/request/csrf';
import { publicOriginString } from '@/edge/request/public-origin';
import { isSameOriginRequest } from '@/edge/request/same-origin';
import { request } from '../helpers/unit';

const allowed = ['https://app.example'];

describe('CSRF gate', () => {
  it('a POST from the APP_URL host on another port or scheme is refused with a message naming APP_URL; a foreign one says nothing more', () => {
    const config = { appUrl: new URL('http://localhost:3000'), clientIp: { onVercel: false, trustedProxyCount: 0 } };
    const post = (origin: string) => csrfError(request('/api/auth/login', { method: 'POST', headers: { origin } }), config);
    expect(post('http://localhost:3001')?.message).toMatch(/came from http:\/\/localhost:3001, but APP_URL says the app is http:\/\/localhost:3000/);
    expect(post('https://localhost:3000')?.message).toMatch(/set APP_URL to the address the browser uses/);
    expect(post('https://evil.example')?.message).toBe('Cross-site requests are not allowed.');
    expect(post('http://localhost:3000')).toBeUndefined();
  });

  it('Origin decides when present', () => {
    expect(isSameOriginRequest(new Headers({ origin: 'https://app.example' }), allowed)).toBe(true);
    expect(isSameOriginRequest(new Headers({ origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }), allowed)).toBe(false);
    expect(isSameOriginRequest(new Headers({ origin: 'null' }), allowed)).toBe(false);
  });

  it('without Origin, only Sec-Fetch-Site: same-origin passes; neither header means refused', () => {
    expect(isSameOriginRequest(new Headers({ 'sec-fetch-site': 'same-origin' }), allowed)).toBe(true);
    expect(isSameOriginRequest(new Headers({ 'sec-fetch-site': 'same-site' }), allowed)).toBe(false);
    expect(isSameOriginRequest(new Headers({ 'sec-fetch-site': 'cross-site' }), allowed)).toBe(false);
    expect(isSameOriginRequest(new Headers(), allowed)).toBe(false);
  });

  it("the own origin is APP_URL when set, else the Host the browser used; a client's X-Forwarded-Host only behind a trusted proxy", () => {
    const fallback = new URL('http://localhost:3000/');
    const direct = { onVercel: false, trustedProxyCount: 0 };
    expect(publicOriginString({ headers: new Headers({ host: 'shop.test' }), nextUrl: fallback }, { appUrl: new URL('https://app.example/x'), clientIp: direct })).toBe('https://app.example');
    expect(publicOriginString({ headers: new Headers({ host: 'shop.test:8080' }), nextUrl: fallback }, { clientIp: direct })).toBe('http://shop.test:8080');
    expect(publicOriginString({ headers: new Headers({ host: 'shop.test', 'x-forwarded-host': 'evil.example' }), nextUrl: fallback }, { clientIp: direct })).toBe('http://shop.test');
    const proxied = { onVercel: false, trustedProxyCount: 1 };
    expect(publicOriginString({ headers: new Headers({ host: 'internal:3000', 'x-forwarded-host': 'shop.test', 'x-forwarded-proto': 'https' }), nextUrl: fallback }, { clientIp: proxied })).toBe('https://shop.test');
  });

  it('safe methods are never blocked; unsafe ones from elsewhere are', () => {
    expect(csrfError(request('/api/backend/x', { headers: { origin: 'https://evil.example' } }), { clientIp: { onVercel: false, trustedProxyCount: 0 } })).toBeUndefined();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(csrfError(request('/api/backend/x', { method, headers: { origin: 'https://evil.example' } }), { clientIp: { onVercel: false, trustedProxyCount: 0 } })?.code).toBe('csrf_rejected');
      expect(csrfError(request('/api/backend/x', { method, headers: { origin: 'http://localhost:3000', host: 'localhost:3000' } }), { clientIp: { onVercel: false, trustedProxyCount: 0 } })).toBeUndefined();
    }
  });
});
