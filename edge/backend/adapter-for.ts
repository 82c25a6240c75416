import type { AuthConfig, PresetName } from '../config/types';
import { envelope } from './presets/envelope';
import { oauth2 } from './presets/oauth2';
import { simplejwt } from './presets/simplejwt';
import type { AdapterFactory, BackendAdapter } from './types';

/** The preset table: a new backend family is one file in presets/ and one line here. */
const PRESETS: Record<PresetName, AdapterFactory> = { envelope, oauth2, simplejwt };

export function adapterFor(auth: AuthConfig): BackendAdapter {
  return PRESETS[auth.preset](auth);
}
