/**
 * The small key-value interface shared by refresh coordination, rate limiting, revocation and server-held sessions.
 * Two implementations: Upstash REST (every runtime, store/upstash-rest.ts) and a Redis client (Node, store/redis.ts).
 * Implementations throw on any store failure; callers decide how to degrade.
 */
export interface KvStore {
  get(key: string): Promise<string | null>;
  /** Several keys in one round trip; `null` where a key is absent. */
  getMany(keys: string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlMs: number, options?: WriteOptions): Promise<void>;
  /** SET NX PX: true when the key was absent and is now ours. */
  setIfAbsent(key: string, value: string, ttlMs: number, options?: WriteOptions): Promise<boolean>;
  /** Deletes the key only while it still holds `value` (a lock we own, not one taken over since). */
  deleteIfValue(key: string, value: string): Promise<void>;
  delete(key: string, options?: WriteOptions): Promise<void>;
  /** Adds `member` to the set at `key`, which then lives at least `ttlMs`. */
  addMember(key: string, member: string, ttlMs: number): Promise<void>;
  removeMember(key: string, member: string): Promise<void>;
  members(key: string): Promise<string[]>;
  /**
   * True for a short while after a failover or reconnection: a key missing then may be one the new node has not got
   * (yet, or any more), so a missing session is "unknown", not "signed out".
   */
  settling?(): boolean;
}

/** The options of a write that must survive a failover. */
export const DURABLE: WriteOptions = Object.freeze({ durable: true });

export interface WriteOptions {
  /**
   * The write must outlive a failover: where the store has replicas, it returns once one has acknowledged it (Redis
   * `WAIT`, bounded by DEFAULTS.storeReplicaWaitMs). Replication is asynchronous otherwise, and a promoted replica
   * lacks the master's last writes: a lost refresh lock, outcome or successor means a spent refresh token redeemed
   * again (the backend then revokes the family), a lost revocation a signed-out cookie accepted again.
   */
  durable?: boolean;
}
