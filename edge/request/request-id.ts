/** A request id for debug logs: the platform's when it set one (Vercel, most proxies), else a fresh one. */
export function requestId(headers: Headers): string {
  const given = headers.get('x-vercel-id') ?? headers.get('x-request-id');
  return given && /^[\w:.-]{1,128}$/.test(given) ? given : crypto.randomUUID();
}
