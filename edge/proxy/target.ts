import { joinBackendPath } from '../backend/call.ts';
import { BffError } from '../errors.ts';
import { percentDecoded } from '../http/percent-decode.ts';

/**
 * Characters that some server, framework or normaliser downstream may read as `.`, `/` or `\`:
 * full-width and small forms, leaders, and the slash look-alikes that NFKC leaves alone.
 */
const LOOKALIKES = /[\u2024\u2025\u2026\u2044\u2215\u2216\u2571\u2572\u29f5\u29f8\u29f9\ufe52\ufe68\uff0e\uff0f\uff3c\u3002\uff61]/;
/** A segment that still carries an encoding of `.`, `/`, `\`, `%` or NUL after one decode was encoded twice. */
const DOUBLE_ENCODED = /%(2e|2f|5c|25|00)/i;

/**
 * Maps `<rest>?<query>` (what follows the proxy prefix, or a server helper's path) to `<BACKEND_URL path>/<rest>?<query>`, keeping the path byte for byte
 * (trailing slash and percent-encoding included). A path the backend might resolve to somewhere else is refused
 * instead: `.`/`..` segments (also encoded, with `;` parameters as in `..;`, or in Unicode look-alikes), encoded
 * slashes or backslashes, double encodings, control characters and empty segments.
 */
export function backendTarget(base: URL, rest: string, search: string): URL | BffError {
  if (rest !== '' && !rest.startsWith('/')) return rejected();
  const segments = rest.split('/').slice(1);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    // A trailing slash is kept (Django and Rails route on it); other empty segments are refused.
    if (segment === '' && i !== segments.length - 1) return rejected();
    if (!safeSegment(segment)) return rejected();
  }
  const url = joinBackendPath(base, rest);
  url.search = search;
  return url;
}

function safeSegment(segment: string): boolean {
  const decoded = percentDecoded(segment);
  if (decoded === undefined || DOUBLE_ENCODED.test(decoded) || LOOKALIKES.test(decoded)) return false;
  const folded = decoded.normalize('NFKC');
  if (/[/\\\u0000-\u001f\u007f]/.test(folded)) return false;
  // Servlet containers and some routers drop `;params` from a segment before resolving dot segments.
  const bare = folded.split(';')[0];
  return bare !== '.' && bare !== '..';
}

function rejected(): BffError {
  return new BffError('path_rejected', 'That backend path is not allowed.');
}
