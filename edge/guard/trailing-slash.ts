/**
 * Next's own trailing-slash redirect is switched off (next.config `skipTrailingSlashRedirect`) so that backend
 * paths keep their slash; everything else keeps Next's default behaviour: `/page/` → 308 → `/page`. Returns the
 * path to redirect to, or undefined. Leading slashes and backslashes collapse to one so the result can never be
 * read as a protocol-relative URL (`//host`).
 */
export function withoutTrailingSlash(pathname: string): string | undefined {
  if (pathname === '/' || !pathname.endsWith('/')) return undefined;
  return pathname.replace(/\/+$/, '').replace(/^[/\\]+/, '/') || '/';
}
