import { BffError, type BffErrorCode } from '../errors.ts';
import { markPersonal } from './cache-control.ts';

const STATUS: Record<BffErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthenticated: 401,
  csrf_rejected: 403,
  path_rejected: 400,
  invalid_credentials: 401,
  validation_failed: 422,
  backend_rejected: 400,
  backend_unreachable: 502,
  backend_timeout: 504,
  backend_error: 502,
  backend_unavailable: 503,
  refresh_unavailable: 503,
  client_token_unavailable: 503,
  session_too_large: 502,
  session_unavailable: 503,
  rate_limited: 429,
  rate_limit_unavailable: 503,
  maintenance: 503,
  // The deployment, not the request, is at fault; but no server error: nothing crashed, and the sentence says what to do.
  insecure_transport: 400,
  misconfigured: 500,
};

export function statusOf(error: BffError): number {
  return error.status ?? STATUS[error.code];
}

/** The one JSON error shape: `{ error: code, message, fields?, retryAfter? }`. */
export function errorResponse(error: BffError, headers?: HeadersInit): Response {
  const body: Record<string, unknown> = { error: error.code, message: error.message };
  if (error.fields) body.fields = error.fields;
  if (error.retryAfter !== undefined) body.retryAfter = error.retryAfter;
  const res = Response.json(body, { status: statusOf(error), headers });
  markPersonal(res.headers);
  if (error.retryAfter !== undefined) res.headers.set('retry-after', String(error.retryAfter));
  return res;
}
