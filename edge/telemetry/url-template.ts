/**
 * A path as a span or log may carry it: segments that look like identifiers (numbers, UUIDs, hex or base64url
 * strings, a name with digits, anything with `@`, `=`, `%`, `~` or `:`) become `{id}`, so `/users/42/notes` is
 * `/users/{id}/notes` while `/v1/notes` stays. The backend's own route table is unknown here: this keeps raw
 * identifiers out of traces and bounds the attribute's cardinality.
 */
export function urlTemplate(path: string): string {
  return path
    .split('/')
    .map((segment) => (looksLikeId(segment) ? '{id}' : segment))
    .join('/');
}

function looksLikeId(s: string): boolean {
  if (s === '') return false;
  return (
    /^\d+$/.test(s) ||
    /[@=%~:]/.test(s) ||
    s.length > 32 ||
    /^[0-9a-f]{12,}$/i.test(s) ||
    (s.length >= 8 && /\d/.test(s)) ||
    (s.length >= 16 && /[A-Z]/.test(s) && /[a-z]/.test(s))
  );
}
