/**
 * A redirect that keeps the visitor on the host they came in on. `base` is APP_URL when
 * configured; otherwise the request's own URL, which Next's adapter turns into a relative
 * `Location` (under `next start` that URL always says localhost, so it must not leak out).
 */
export function redirectTo(location: string, base: URL, status = 307): Response {
  return new Response(null, { status, headers: { location: new URL(location, base).toString() } });
}

export function loginLocation(loginPath: string, nextPath: string, reason?: string): string {
  const params = new URLSearchParams({ next: nextPath });
  if (reason) params.set('reason', reason);
  return `${loginPath}?${params}`;
}
