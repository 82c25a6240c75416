import type { KvStore } from '@/edge/store/types';

/** A KvStore double with TTLs on a controllable clock, and switchable failures. */
export class MemoryStore implements KvStore {
  readonly data = new Map<string, { value: string; until: number }>();
  /** Every operation fails. */
  failing = false;
  /** Only these operations fail. */
  readonly failOn = new Set<'get' | 'set' | 'setIfAbsent' | 'deleteIfValue'>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string) {
    const entry = this.data.get(key);
    if (entry && entry.until <= this.now()) this.data.delete(key);
    return this.data.get(key);
  }

  private check(op: 'get' | 'set' | 'setIfAbsent' | 'deleteIfValue') {
    if (this.failing || this.failOn.has(op)) throw new TypeError('fetch failed');
  }

  async get(key: string) {
    this.check('get');
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs: number) {
    this.check('set');
    this.data.set(key, { value, until: this.now() + ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    this.check('setIfAbsent');
    if (this.live(key)) return false;
    this.data.set(key, { value, until: this.now() + ttlMs });
    return true;
  }

  async deleteIfValue(key: string, value: string) {
    this.check('deleteIfValue');
    if (this.live(key)?.value === value) this.data.delete(key);
  }
}
