import { BffError } from '../../errors.ts';
import type { AdapterFactory, BackendReply, TokenGrant } from '../types.ts';
import { jsonPost } from './json-call.ts';
import { loginErrorFor } from './login-error.ts';
import { fieldErrors, isObject, isSuccess, messageOf, stringField } from './read-json.ts';

/**
 * Django REST framework SimpleJWT: `POST /api/token/` `{ username, password }` → `{ access, refresh }`;
 * `POST /api/token/refresh/` → `{ access }` or, with ROTATE_REFRESH_TOKENS, `{ access, refresh }`;
 * logout through `/api/token/blacklist/`. No expiry fields: the JWT `exp` claims say it.
 * Errors: `401 { detail, code: "token_not_valid" }`, 400 with field errors.
 */
export const simplejwt: AdapterFactory = ({ paths, usernameField }) => ({
  name: 'simplejwt',

  login: ({ email, password }) => jsonPost(paths.login, { [usernameField]: email, password }),

  parseLogin(reply) {
    if (isSuccess(reply)) {
      const grant = grantFrom(reply.json);
      if (grant?.refreshToken) return { ok: true, grant };
      return { ok: false, error: new BffError('backend_error', 'The token endpoint answered without access and refresh tokens.') };
    }
    return { ok: false, error: loginError(reply, usernameField) };
  },

  refresh: (refreshToken) => jsonPost(paths.refresh, { refresh: refreshToken }),

  parseRefresh(reply) {
    if (isSuccess(reply)) {
      const grant = grantFrom(reply.json);
      return grant ? { ok: true, grant } : { ok: false, kind: 'transient', reason: 'malformed_refresh_response' };
    }
    // 401 `token_not_valid`: an expired, blacklisted or malformed refresh token. Any other 401 (an HTML page from a
    // proxy, a misconfigured authentication class) says nothing about the token.
    if (reply.status === 401 && code(reply) === 'token_not_valid') return { ok: false, kind: 'rejected', reason: 'token_not_valid' };
    return { ok: false, kind: 'transient', reason: `status_${reply.status}` };
  },

  logout: ({ refreshToken }) => (paths.logout && refreshToken ? jsonPost(paths.logout, { refresh: refreshToken }) : null),
});

function grantFrom(json: unknown): TokenGrant | undefined {
  if (!isObject(json)) return undefined;
  const accessToken = stringField(json.access);
  return accessToken ? { accessToken, refreshToken: stringField(json.refresh) } : undefined;
}

function code(reply: BackendReply): string | undefined {
  return isObject(reply.json) ? stringField(reply.json.code) : undefined;
}

/** DRF puts field errors at the top level, keyed by the serializer's field: show them under "email". */
function loginError(reply: BackendReply, usernameField: string): BffError {
  const json = isObject(reply.json) ? reply.json : {};
  const fields = fieldErrors(Object.fromEntries(Object.entries(json).filter(([key]) => key !== 'detail' && key !== 'code')));
  if (fields && fields[usernameField] && usernameField !== 'email') {
    fields.email = fields[usernameField];
    delete fields[usernameField];
  }
  return loginErrorFor(reply.status, messageOf(json), fields);
}
