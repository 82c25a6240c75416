import { TOKEN_POLICIES, type ApiConfig, type AuthConfig, type RouteConfig, type TokenPolicy } from './types.ts';
import { isPrefixPath, overlaps, parseChoice, parseInteger, parseUrl } from './parse-values.ts';
import { mayUseUser, usesClientToken } from '../apis/policies.ts';
import { isObject } from '../backend/presets/read-json.ts';

/** One API as `BACKENDS` (JSON) or `createBff({ backends })` names it. */
export interface ApiOptions {
  url: string;
  token: TokenPolicy;
  /** Default `/api/<name>`. */
  prefix?: string;
  /**
   * The audience (RFC 8707 resource) and scope of this API's tokens: the user's, minted from the refresh token
   * (AUTH_PRESET=oauth2 or oidc), and the app's own (client credentials).
   */
  resource?: string;
  scope?: string;
  /** `client` and `user-or-client`: another token endpoint and client than the preset's (AUTH_CLIENT_*). */
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  /** Defaults: BACKEND_TIMEOUT_MS and PROXY_BODY_LIMIT_BYTES. */
  timeoutMs?: number;
  bodyLimitBytes?: number;
}

const FIELDS = ['url', 'token', 'prefix', 'resource', 'scope', 'tokenUrl', 'clientId', 'clientSecret', 'timeoutMs', 'bodyLimitBytes'];

/**
 * Every API: BACKEND_URL's under `routes.backend` with the user's token (named `backend`), then those of BACKENDS (or
 * the same object in code, which wins). Checked together: no prefix inside another or the auth routes, no misspelt
 * setting, and a client token only where a token endpoint and a client are known.
 */
export function readApis(
  read: (name: string) => string | undefined,
  given: Record<string, ApiOptions> | undefined,
  base: Omit<ApiConfig, 'name' | 'prefix' | 'token' | 'client'>,
  routes: RouteConfig,
  auth: AuthConfig,
  problems: string[],
): ApiConfig[] {
  const apis: ApiConfig[] = [{ ...base, name: 'backend', prefix: routes.backend, token: 'user', client: {} }];
  let entries: unknown = given;
  const json = read('BACKENDS');
  if (!given && json) {
    try {
      entries = JSON.parse(json);
    } catch {
      // reported below
    }
    if (!isObject(entries)) problems.push('BACKENDS must be JSON: { "<name>": { "url": "https://…", "token": "user" } }.');
  }
  const taken = [routes.auth, routes.loginPage, routes.backend];
  for (const [name, raw] of Object.entries(isObject(entries) ? entries : {})) {
    const at = `BACKENDS.${name}`;
    const bad = (problem: string) => problems.push(at + problem);
    if (!/^[a-z][a-z0-9_-]{0,31}$/.test(name) || name === 'auth' || name === 'backend' || !isObject(raw)) {
      bad(': names are a-z, 0-9, - and _ (not auth or backend), values { "url": "https://…", "token": "user" }.');
      continue;
    }
    for (const key of Object.keys(raw)) if (!FIELDS.includes(key)) bad(`.${key} is not a setting.`);
    const text = (key: string) => {
      const value = raw[key];
      if (typeof value === 'string' && value.trim()) return value.trim();
      if (value !== undefined) bad(`.${key} must be a string.`);
    };
    const int = (key: string, fallback: number, min: number) => parseInteger(raw[key] === undefined ? undefined : String(raw[key]), `${at}.${key}`, fallback, min, problems);
    const token = parseChoice(text('token') ?? '(none)', `${at}.token`, TOKEN_POLICIES, problems);
    const prefix = text('prefix') ?? `/api/${name}`;
    if (!isPrefixPath(prefix)) bad(`.prefix must be a path like /api/${name}.`);
    const clash = taken.find((other) => overlaps(prefix, other));
    if (clash) bad(`.prefix "${prefix}" overlaps "${clash}".`);
    taken.push(prefix);
    const api: ApiConfig = {
      name,
      url: parseUrl(text('url'), `${at}.url`, problems, true) as URL,
      prefix,
      token: token ?? 'user',
      resource: text('resource'),
      scope: text('scope'),
      client: { tokenUrl: parseUrl(text('tokenUrl'), `${at}.tokenUrl`, problems, false), clientId: text('clientId'), clientSecret: text('clientSecret') },
      timeoutMs: int('timeoutMs', base.timeoutMs, 100),
      bodyLimitBytes: int('bodyLimitBytes', base.bodyLimitBytes, 1),
    };
    const { tokenUrl, clientId, clientSecret } = api.client;
    const oauth = auth.preset === 'oauth2' || auth.preset === 'oidc';
    if ((api.resource || api.scope) && (api.token === 'none' || (mayUseUser(api) && !oauth))) {
      bad(': resource and scope shape the tokens of OAuth 2 servers: a "user" policy needs AUTH_PRESET=oauth2 or oidc, "none" sends none.');
    }
    if (!usesClientToken(api)) {
      if (tokenUrl || clientId || clientSecret) bad(': tokenUrl, clientId and clientSecret are for client tokens.');
    } else {
      if (!tokenUrl && !oauth) bad(`: set tokenUrl (AUTH_PRESET=${auth.preset} has no token endpoint).`);
      if (!clientId !== !clientSecret) bad(': set clientId and clientSecret together.');
      if (!clientId && !auth.clientId) bad(': set clientId and clientSecret, or AUTH_CLIENT_ID.');
    }
    apis.push(api);
  }
  return apis;
}
