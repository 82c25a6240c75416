import type { KvStore, WriteOptions } from '@/edge/store/types';

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

/**
 * A master and its replica as Redis runs them: writes land on the master and reach the replica later (asynchronous
 * replication), except durable ones, which the replica has acknowledged before they return (Redis `WAIT`). A
 * failover promotes the replica: whatever had not reached it is gone, and the store says it is settling.
 */
export class ReplicatedStore implements KvStore {
  readonly master: MemoryStore;
  private readonly replica: MemoryStore;
  /** Keys written on the master since the replica last caught up. */
  private readonly behind = new Set<string>();
  private settlingUntil = 0;
  failovers = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly settleMs = 15_000,
  ) {
    this.master = new MemoryStore(now);
    this.replica = new MemoryStore(now);
  }

  /** The replica catches up. */
  replicate(): void {
    for (const key of this.behind) copyKey(this.master, this.replica, key);
    this.behind.clear();
  }

  /** The replica becomes the master, without the writes it had not got. */
  failover(): void {
    for (const key of this.behind) copyKey(this.replica, this.master, key);
    this.behind.clear();
    this.settlingUntil = this.now() + this.settleMs;
    this.failovers++;
  }

  private wrote(key: string, options?: WriteOptions): void {
    if (options?.durable) copyKey(this.master, this.replica, key);
    else this.behind.add(key);
  }

  get = (key: string) => this.master.get(key);
  getMany = (keys: string[]) => this.master.getMany(keys);
  members = (key: string) => this.master.members(key);
  settling = () => this.now() < this.settlingUntil;

  async set(key: string, value: string, ttlMs: number, options?: WriteOptions) {
    await this.master.set(key, value, ttlMs);
    this.wrote(key, options);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number, options?: WriteOptions) {
    const taken = await this.master.setIfAbsent(key, value, ttlMs);
    this.wrote(key, options);
    return taken;
  }

  async deleteIfValue(key: string, value: string) {
    await this.master.deleteIfValue(key, value);
    this.wrote(key);
  }

  async delete(key: string, options?: WriteOptions) {
    await this.master.delete(key);
    this.wrote(key, options);
  }

  async addMember(key: string, member: string, ttlMs: number) {
    await this.master.addMember(key, member, ttlMs);
    this.wrote(key);
  }

  async removeMember(key: string, member: string) {
    await this.master.removeMember(key, member);
    this.wrote(key);
  }
}

/** `to` holds what `from` holds under `key` (a value, a set, or nothing). */
function copyKey(from: MemoryStore, to: MemoryStore, key: string): void {
  for (const map of ['data', 'sets'] as const) {
    const entry = from[map].get(key);
    if (entry) to[map].set(key, structuredClone(entry) as never);
    else to[map].delete(key);
  }
}
