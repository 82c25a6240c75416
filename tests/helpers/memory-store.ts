import type { KvStore } from '@/edge/store/types';

type Op = 'get' | 'set' | 'setIfAbsent' | 'deleteIfValue' | 'delete' | 'members';

/** A KvStore double with TTLs on a controllable clock, and switchable failures. */
export class MemoryStore implements KvStore {
  readonly data = new Map<string, { value: string; until: number }>();
  readonly sets = new Map<string, { members: Set<string>; until: number }>();
  /** Every operation fails. */
  failing = false;
  /** Reads made (get and getMany), by key. */
  readonly reads: string[] = [];
  /** Only these operations fail (`set` covers every write, `get` every read). */
  readonly failOn = new Set<Op>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string) {
    const entry = this.data.get(key);
    if (entry && entry.until <= this.now()) this.data.delete(key);
    return this.data.get(key);
  }

  private liveSet(key: string) {
    const entry = this.sets.get(key);
    if (entry && entry.until <= this.now()) this.sets.delete(key);
    return this.sets.get(key);
  }

  private check(op: Op) {
    if (this.failing || this.failOn.has(op)) throw new TypeError('fetch failed');
  }

  async get(key: string) {
    this.check('get');
    this.reads.push(key);
    return this.live(key)?.value ?? null;
  }

  async getMany(keys: string[]) {
    this.check('get');
    this.reads.push(...keys);
    return keys.map((k) => this.live(k)?.value ?? null);
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

  async delete(key: string) {
    this.check('delete');
    this.data.delete(key);
    this.sets.delete(key);
  }

  async addMember(key: string, member: string, ttlMs: number) {
    this.check('set');
    const entry = this.liveSet(key) ?? { members: new Set<string>(), until: 0 };
    entry.members.add(member);
    entry.until = Math.max(entry.until, this.now() + ttlMs);
    this.sets.set(key, entry);
  }

  async removeMember(key: string, member: string) {
    this.check('set');
    this.liveSet(key)?.members.delete(member);
  }

  async members(key: string) {
    this.check('members');
    return [...(this.liveSet(key)?.members ?? [])];
  }
}
