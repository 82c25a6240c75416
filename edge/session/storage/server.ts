import { base64url } from 'jose';
import type { BffConfig } from '../../config/types.ts';
import { DEFAULTS } from '../../config/defaults.ts';
import { digestKey } from '../../crypto/digest-key.ts';
import { BffError, StoreError } from '../../errors.ts';
import { logWarn } from '../../log.ts';
import { DURABLE, type KvStore, type WriteOptions } from '../../store/types.ts';
import { openSession, sealSession } from '../codec.ts';
import type { SessionKeyring } from '../keys.ts';
import type { RevocationList } from '../revocation.ts';
import type { Session, SessionSummary } from '../types.ts';
import { idleExpired, touchDue } from './idle.ts';
import { SESSION_UNKNOWN, type SessionMeta, type SessionStorage } from './types.ts';

/** `<id>.<key>`: 16 random bytes naming the record, 32 random bytes of the key that encrypts it (66 characters). */
const COOKIE_VALUE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** What the store holds per session. Only `s` carries tokens, encrypted under the key that only the cookie holds. */
interface SessionRecord {
  v: 1;
  /** The session, a JWE under the per-session key. */
  s: string;
  /**
   * The same session under the deployment's record key (SESSION_SECRET-derived, never a cookie key): lets the BFF end
   * this session for its user from another one (revoke upstream, tell the hook) and drop it when the provider ended it.
   */
  r?: string;
  /** The sign-in's id, for the sessions list and `endSession(id)`. */
  sid: string;
  /** Created and last seen, epoch ms. */
  c: number;
  l: number;
  ua?: string;
}

const recordKey = (id: string) => `bff:session:${id}`;
const userKey = async (userId: string) => `bff:user-sessions:${await digestKey(userId)}`;

interface ServerStorageDeps {
  config: Pick<BffConfig, 'session'>;
  store: KvStore;
  /** keyringFor(secrets, 'server-record'): seals each record's `r`. */
  recordKeyring: SessionKeyring;
  revocations: RevocationList;
  now: () => number;
}

/**
 * Sessions held in the store: the browser keeps an opaque id and a per-session key, and nothing in the cookie changes
 * after sign-in, so a refresh made anywhere (middleware, Server Component, route handler, another instance) is kept
 * whatever happens to the response. The store alone reveals no token (the record is encrypted with the cookie's key),
 * the cookie alone reveals nothing. Ending a session deletes its record; an instance reuses a record it read for at
 * most DEFAULTS.serverSessionCacheMs, so an ended session is refused everywhere within that.
 */
export function serverStorage({ config, store, recordKeyring, revocations, now }: ServerStorageDeps): SessionStorage {
  const { idleMs, maxAgeMs } = config.session;
  // Keyed by id, each entry with the key that opened it: a hit counts only for that same key.
  const cache = new Map<string, { key: string; session: Session; record: SessionRecord; until: number }>();
  // Ids with no record, and id.key values whose key opened nothing, recently seen: one store read per window each.
  const misses = new Map<string, number>();
  const rings = new Map<string, Promise<SessionKeyring>>();

  function cached(id: string, key: string) {
    const hit = cache.get(id);
    if (!hit || hit.until <= now()) {
      cache.delete(id);
      return undefined;
    }
    return sameSecret(hit.key, key) ? hit : undefined;
  }

  function miss(name: string): null {
    if (misses.size >= 10_000) misses.delete(misses.keys().next().value!);
    misses.set(name, now() + DEFAULTS.serverSessionCacheMs);
    return null;
  }

  const missed = (name: string) => (misses.get(name) ?? 0) > now();

  function parse(value: string): { id: string; key: string } | undefined {
    const m = COOKIE_VALUE.exec(value);
    return m ? { id: m[1], key: m[2] } : undefined;
  }

  function ringFor(key: string): Promise<SessionKeyring> {
    let ring = rings.get(key);
    if (!ring) {
      ring = crypto.subtle
        .importKey('raw', base64url.decode(key) as Uint8Array<ArrayBuffer>, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
        .then((k) => ({ current: { kid: 's', key: k }, byKid: new Map([['s', k]]) }));
      if (rings.size >= 2_000) rings.delete(rings.keys().next().value!);
      rings.set(key, ring);
    }
    return ring;
  }

  /** The session as a record holds it: under the cookie's key (`s`), and its copy under the record key (`r`). */
  async function sealed(session: Session, key: string): Promise<Pick<SessionRecord, 's' | 'r'>> {
    const [s, r] = await Promise.all([sealSession(session, await ringFor(key)), sealSession(session, recordKeyring)]);
    return { s, r };
  }

  /** The record lives as long as the session may: its refresh token, its idle window, its absolute lifetime. */
  function ttlOf(session: Session, lastSeen: number): number {
    const ends = [session.refreshExpiresAt, idleMs === undefined ? Infinity : lastSeen + idleMs];
    if (maxAgeMs !== undefined && session.signedInAt !== undefined) ends.push(session.signedInAt + maxAgeMs);
    return Math.min(...ends) - now();
  }

  /**
   * Writes the record under the key that opened it, and keeps the user's index alive at least as long: a session in
   * regular use outlives its first TTL, and must stay listed and endable. Durable unless it only notes a use: a
   * sign-in or a rotation lost in a failover would sign the user out, or redeem a spent refresh token again.
   */
  async function write(id: string, key: string, session: Session, record: SessionRecord, options: WriteOptions = DURABLE): Promise<void> {
    const ttl = ttlOf(session, record.l);
    if (ttl <= 0) return;
    await store.set(recordKey(id), JSON.stringify(record), ttl, options);
    misses.delete(id);
    cache.set(id, { key, session: { ...session, lastSeenAt: record.l }, record, until: now() + DEFAULTS.serverSessionCacheMs });
    await store.addMember(await userKey(session.user.id), id, Math.max(ttl, 1_000));
  }

  /** The record `id` names, opened with `key` (the cookie's): a wrong key opens nothing, on a cache hit too. */
  async function load(id: string, key: string): Promise<{ session: Session; record: SessionRecord } | null> {
    const hit = cached(id, key);
    if (hit) return hit;
    if (missed(id) || missed(`${id}.${key}`)) return null;
    const raw = await store.get(recordKey(id));
    // Right after a failover the node may lack records the old master had: unknown (503), never "signed out".
    if (raw === null && store.settling?.()) throw new StoreError('A session record is missing while the store settles after a failover.');
    const record = raw === null ? undefined : parseRecord(raw);
    if (!record) return miss(id);
    const opened = await openSession(record.s, await ringFor(key));
    if (!opened) return miss(`${id}.${key}`);
    const session = { ...opened, lastSeenAt: record.l };
    if (cache.size >= 10_000) cache.delete(cache.keys().next().value!);
    cache.set(id, { key, session, record, until: now() + DEFAULTS.serverSessionCacheMs });
    return { session, record };
  }

  async function remove(id: string, session: Session): Promise<void> {
    cache.delete(id);
    // Durable: an ended session must not come back with a failover.
    await store.delete(recordKey(id), DURABLE);
    await store.removeMember(await userKey(session.user.id), id).catch(() => undefined);
  }

  /**
   * The user's live records, read together, each with its session where its record copy opens. Ids whose record is
   * gone, and records of sessions the provider ended (back-channel logout), leave the index on the way.
   */
  async function recordsOf(session: Session): Promise<{ id: string; record: SessionRecord; session?: Session }[]> {
    const index = await userKey(session.user.id);
    const ids = await store.members(index);
    const raws = await store.getMany(ids.map(recordKey));
    const found: { id: string; record: SessionRecord; session?: Session }[] = [];
    for (const [i, raw] of raws.entries()) {
      const record = raw === null ? undefined : parseRecord(raw);
      if (!record) {
        await store.removeMember(index, ids[i]).catch(() => undefined);
        continue;
      }
      const opened = record.r ? await openSession(record.r, recordKeyring) : null;
      if (opened && (await revocations.isRevoked(opened))) {
        await remove(ids[i], opened).catch(() => undefined);
        continue;
      }
      found.push({ id: ids[i], record, session: opened ?? undefined });
    }
    return found;
  }

  /** Ends the records, and hands back the sessions among them that could be read (for the hook and upstream). */
  async function endRecords(records: { id: string; session?: Session }[], owner: Session): Promise<Session[]> {
    for (const { id, session } of records) await remove(id, session ?? owner);
    return records.flatMap(({ session }) => (session ? [session] : []));
  }

  return {
    mode: 'server',
    async open(value) {
      const handle = parse(value);
      if (!handle) return null;
      let loaded;
      try {
        loaded = await load(handle.id, handle.key);
      } catch {
        logWarn('session_store_unavailable');
        return SESSION_UNKNOWN;
      }
      if (!loaded || loaded.session.refreshExpiresAt <= now()) return null;
      if (idleMs !== undefined && idleExpired(loaded.session, idleMs, now())) {
        await remove(handle.id, loaded.session).catch(() => undefined);
        return null;
      }
      return loaded.session;
    },
    // The record is the newest session by construction: every renewal writes it before anyone sees the outcome.
    newer: async () => undefined,
    async renewed(value, next) {
      const handle = parse(value);
      if (!handle) return;
      const loaded = await load(handle.id, handle.key);
      if (!loaded) return;
      // A renewal is a use: the idle window restarts from it (else short tokens turn the idle timeout absolute).
      await write(handle.id, handle.key, next.session, { ...loaded.record, ...(await sealed(next.session, handle.key)), l: now() });
    },
    // The same id and key for the session's whole life; only a later expiry is worth a new Set-Cookie.
    cookieFor: (value, previous, next) => (next.session.refreshExpiresAt > previous.refreshExpiresAt ? value : undefined),
    async touch(value, session) {
      const handle = parse(value);
      const interval = idleMs ?? DEFAULTS.sessionTouchMs * 4;
      if (!handle || !touchDue(session, interval, now())) return undefined;
      const loaded = cached(handle.id, handle.key);
      if (loaded) await write(handle.id, handle.key, session, { ...loaded.record, l: now() }, { durable: false }).catch(() => logWarn('session_store_unavailable'));
      return undefined;
    },
    async create(session, meta: SessionMeta) {
      const id = base64url.encode(crypto.getRandomValues(new Uint8Array(16)));
      const key = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
      const t = now();
      try {
        const record: SessionRecord = { v: 1, ...(await sealed(session, key)), sid: session.sid ?? id, c: t, l: t, ua: meta.userAgent?.slice(0, 256) };
        await write(id, key, session, record);
      } catch {
        logWarn('session_store_unavailable');
        return new BffError('session_unavailable', 'Signing in is unavailable right now. Please try again shortly.', { retryAfter: 5 });
      }
      return `${id}.${key}`;
    },
    async refused(value, session) {
      const handle = parse(value);
      if (handle) await remove(handle.id, session).catch(() => logWarn('session_store_unavailable'));
    },
    async end(value, session) {
      const handle = parse(value);
      // The id is also revoked, so a provider's or a copied record's session cannot come back from a cache.
      await revocations.revoke(session);
      if (handle) await remove(handle.id, session);
    },
    async list(value, session) {
      const current = parse(value)?.id;
      const summaries: SessionSummary[] = (await recordsOf(session)).map(({ id, record }) => ({
        id: record.sid,
        current: id === current,
        createdAt: new Date(record.c).toISOString(),
        lastSeenAt: new Date(record.l).toISOString(),
        userAgent: record.ua,
      }));
      return summaries.sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt));
    },
    async endOthers(value, session) {
      const current = parse(value)?.id;
      return endRecords((await recordsOf(session)).filter(({ id }) => id !== current), session);
    },
    async endById(_value, session, sid) {
      const target = (await recordsOf(session)).find(({ record }) => record.sid === sid);
      if (!target) return undefined;
      // A record without a readable copy (written before copies existed) ends all the same, told to no one.
      const [ended] = await endRecords([target], session);
      return { ended };
    },
    fits: () => true,
  };
}

/** A record as stored, or undefined for anything that is not one. */
function parseRecord(raw: string): SessionRecord | undefined {
  try {
    const record = JSON.parse(raw) as SessionRecord;
    return record.v === 1 && typeof record.s === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Compares two secrets in time that depends on their length only. */
function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
