import type { WindowLimiter } from './types.ts';

interface Windows {
  start: number;
  current: number;
  previous: number;
}

/**
 * An in-memory sliding window with the semantics of @upstash/ratelimit's `slidingWindow`: the
 * previous fixed window's count, weighted by how much of it still overlaps, plus the current one.
 * Per instance: each server process (or edge isolate) counts on its own.
 */
export function memorySlidingWindow(limit: number, windowMs: number, now: () => number = Date.now, maxKeys = 50_000): WindowLimiter {
  const counters = new Map<string, Windows>();

  function windowsOf(key: string, t: number): Windows {
    const start = Math.floor(t / windowMs) * windowMs;
    const w = counters.get(key);
    if (!w) return { start, current: 0, previous: 0 };
    if (w.start === start) return w;
    // One window later the current count becomes the previous one; further, both are gone.
    return { start, current: 0, previous: w.start === start - windowMs ? w.current : 0 };
  }

  function used(w: Windows, t: number): number {
    const weight = 1 - (t - w.start) / windowMs;
    return Math.floor(w.previous * weight) + w.current;
  }

  return {
    async refund(key) {
      const t = now();
      const w = windowsOf(key, t);
      // A hit counted in the window before is given back there.
      if (w.current > 0) w.current--;
      else if (w.previous > 0) w.previous--;
      else return;
      counters.set(key, w);
    },
    async limit(key) {
      const t = now();
      const w = windowsOf(key, t);
      const resetAt = w.start + windowMs;
      if (used(w, t) >= limit) {
        counters.set(key, w);
        return { success: false, resetAt };
      }
      w.current++;
      if (!counters.has(key) && counters.size >= maxKeys) counters.delete(counters.keys().next().value!);
      counters.set(key, w);
      return { success: true, resetAt };
    },
  };
}
