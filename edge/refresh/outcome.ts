import { BffError } from '../errors.ts';
import type { Refreshed } from '../session/types.ts';

export type RefreshOutcome =
  | Refreshed
  /** The backend definitively refused the refresh token (its own contract says so): the user is logged out. */
  | { kind: 'rejected' }
  /**
   * Timeout, network error, 5xx, 429, a non-contract answer, a store failure after a lock was seen: the session is
   * kept and the refresh retried later. `latest` is a newer session reached on the way, to store even so.
   */
  | { kind: 'unavailable'; error: BffError; latest?: Refreshed };

export function unavailable(latest?: Refreshed): RefreshOutcome {
  return { kind: 'unavailable', error: new BffError('refresh_unavailable', 'The session could not be renewed right now.', { retryAfter: 5 }), latest };
}
