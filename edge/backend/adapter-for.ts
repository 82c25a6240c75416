import type { AuthConfig, PresetName } from '../config/types.ts';
import { envelope } from './presets/envelope.ts';
import { oauth2 } from './presets/oauth2.ts';
import { oidcAdapter } from './presets/oidc.ts';
import { simplejwt } from './presets/simplejwt.ts';
import type { Discovery } from '../oidc/discovery.ts';
import type { AdapterContext, AdapterFactory, BackendAdapter } from './types.ts';

/** The preset table: a new built-in backend family is one file in presets/ and one line here. */
const PRESETS: Record<Exclude<PresetName, 'oidc'>, AdapterFactory> = { envelope, oauth2, simplejwt };

/**
 * The app's own adapter when it gave one (an object or a factory), else the configured preset. `oidc` reads its
 * endpoints from the provider's discovery document, shared with the sign-in routes.
 */
export function adapterFor(auth: AuthConfig, context: AdapterContext, custom?: BackendAdapter | AdapterFactory, discovery?: Discovery): BackendAdapter {
  if (typeof custom === 'function') return custom(auth, context);
  if (custom) return custom;
  if (auth.preset === 'oidc') {
    if (!discovery) throw new TypeError('AUTH_PRESET=oidc needs the provider discovery.');
    return oidcAdapter(auth, context, discovery);
  }
  return PRESETS[auth.preset](auth, context);
}
