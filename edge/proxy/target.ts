import { joinBackendPath } from '../backend/call';
import { BffError } from '../errors';
import { BACKEND_PREFIX } from '../request/classify';

/**
 * Maps `/api/backend/<rest>?<query>` to `<BACKEND_URL path>/<rest>?<query>`.
 * Each segment is checked decoded, so `..`, `%2e%2e`, encoded slashes or backslashes,
 * NULs and empty segments can never step outside the configured base path.
 */
export function backendTarget(base: URL, pathname: string, search: string): URL | BffError {
  const rest = pathname.slice(BACKEND_PREFIX.length);
  if (rest !== '' && !rest.startsWith('/')) return rejected();
  const segments = rest.split('/').slice(1);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    // A trailing slash is kept (some backends route on it); other empty segments are refused.
    if (segment === '' && i !== segments.length - 1) return rejected();
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return rejected();
    }
    if (decoded === '.' || decoded === '..' || /[/\\\u0000-\u001f\u007f]/.test(decoded)) return rejected();
  }
  const url = joinBackendPath(base, rest);
  url.search = search;
  return url;
}

function rejected(): BffError {
  return new BffError('path_rejected', 'That backend path is not allowed.');
}
