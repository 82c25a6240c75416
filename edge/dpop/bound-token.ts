import { isObject, stringField } from '../backend/presets/read-json.ts';
import { BffError } from '../errors.ts';
import { logWarn } from '../log.ts';

/** RFC 9449 §5: a server that honoured the proof says so with `token_type: DPoP`; a bearer token is a downgrade. */
export function isDpopBound(json: unknown): boolean {
  return isObject(json) && stringField(json.token_type)?.toLowerCase() === 'dpop';
}

/** A sign-in that got a bearer token although AUTH_DPOP=1 asked for a bound one: refused, never silently kept. */
export function unboundTokenError(): BffError {
  logWarn('dpop_token_unbound');
  return new BffError('backend_error', 'The sign-in service issued a bearer token although AUTH_DPOP=1 asks for a DPoP-bound one.');
}
