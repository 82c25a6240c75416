/**
 * A Redis Cluster hash tag: keys that carry the same `{…}` live in one slot, so one command or script may touch them
 * together (no CROSSSLOT). Given to every group of keys an operation reads or writes at once: a refresh token's
 * lock, outcome and "spent" mark; a limiter window and its predecessor.
 */
export const hashTag = (id: string) => `{${id}}`;
