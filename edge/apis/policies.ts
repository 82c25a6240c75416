import type { ApiConfig } from '../config/types.ts';

/** What an API's token policy (BACKENDS `token`) means, in one place: the configuration checks it, requests follow it. */

/** Never called without a signed-in user (`user`). */
export const needsUser = (api: ApiConfig) => api.token === 'user';

/** May receive the user's token (`user`, `user-or-none`, `user-or-client`). */
export const mayUseUser = (api: ApiConfig) => api.token.startsWith('user');

/** May receive the app's own client-credentials token (`client`, `user-or-client`). */
export const usesClientToken = (api: ApiConfig) => api.token === 'client' || api.token === 'user-or-client';

/** The user's token for it is its own, minted from the refresh token for its resource or scope. */
export const ownUserToken = (api: ApiConfig) => mayUseUser(api) && Boolean(api.resource || api.scope);
