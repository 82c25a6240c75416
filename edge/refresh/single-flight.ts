interface Entry<T> {
  promise: Promise<T>;
  /** Set once settled and kept: until then the entry serves late arrivals. */
  keepUntil?: number;
  value?: T;
}

/**
 * Runs one task per key at a time. Callers that arrive while it runs share its promise;
 * a settled result that `keep` accepts is served to late callers for `graceMs`, so a request
 * still carrying a just-rotated refresh token reuses the outcome instead of redeeming it again.
 */
export class SingleFlight<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly graceMs: number,
    private readonly keep: (value: T) => boolean,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  /** `serves`: whether a settled, kept result answers this caller too (else the task runs again). */
  run(key: string, task: () => Promise<T>, serves: (value: T) => boolean = () => true): Promise<T> {
    const existing = this.entries.get(key);
    if (existing && (existing.keepUntil === undefined || (existing.keepUntil > this.now() && serves(existing.value as T)))) return existing.promise;
    this.evict();
    const entry: Entry<T> = { promise: task() };
    this.entries.set(key, entry);
    entry.promise.then(
      (value) => {
        entry.value = value;
        if (this.keep(value)) entry.keepUntil = this.now() + this.graceMs;
        else this.forget(key, entry);
      },
      () => this.forget(key, entry),
    );
    return entry.promise;
  }

  private forget(key: string, entry: Entry<T>): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }

  /** Drops expired entries, and the oldest ones if a flood of sessions outgrows the cap. */
  private evict(): void {
    if (this.entries.size < this.maxEntries) return;
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.keepUntil !== undefined && entry.keepUntil <= now) this.entries.delete(key);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
