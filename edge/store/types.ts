/**
 * The small key-value interface shared by cross-instance refresh coordination and login rate
 * limiting. Implementations throw on any store failure; callers decide how to degrade.
 */
export interface KvStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** SET NX PX: true when the key was absent and is now ours. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes the key only while it still holds `value` (a lock we own, not one taken over since). */
  deleteIfValue(key: string, value: string): Promise<void>;
}
