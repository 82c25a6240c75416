import type { NextRequest } from 'next/server';
import { authEndpointPath } from '../auth/endpoints.ts';
import type { BffConfig } from '../config/types.ts';
import { publicOriginString } from '../request/public-origin.ts';

/** Where the provider sends the browser back: on the app's public origin (APP_URL when set), never a client's choice. */
export function callbackUri(req: NextRequest, config: BffConfig): string {
  return publicOriginString(req, config) + authEndpointPath(config.routes, 'callback');
}

export function postLogoutUri(req: NextRequest, config: BffConfig): string {
  return `${publicOriginString(req, config)}/`;
}
