import type { AuthConfig, PresetName } from '../config/types.ts';
import { envelope } from './presets/envelope.ts';
import { oauth2 } from './presets/oauth2.ts';
import { simplejwt } from './presets/simplejwt.ts';
import type { AdapterFactory, BackendAdapter } from './types.ts';

/** The preset table: a new built-in backend family is one file in presets/ and one line here. */
const PRESETS: Record<PresetName, AdapterFactory> = { envelope, oauth2, simplejwt };

/** The app's own adapter when it gave one (an object or a factory), else the configured preset. */
export function adapterFor(auth: AuthConfig, custom?: BackendAdapter | AdapterFactory): BackendAdapter {
  if (typeof custom === 'function') return custom(auth);
  return custom ?? PRESETS[auth.preset](auth);
}
