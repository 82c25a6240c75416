import { DEFAULTS } from '../config/defaults.ts';
import { StoreError } from '../errors.ts';
import { logWarn } from '../log.ts';
import { record } from '../telemetry/metrics.ts';
import type { RedisCommands } from './commands.ts';

/**
 * A circuit breaker around a store transport, per instance. After DEFAULTS.storeBreakerFailures consecutive timeouts
 * or lost connections, every command fails at once for DEFAULTS.storeBreakerCoolDownMs (a hung store then costs a
 * request nothing instead of a timeout per round trip); then one command probes, and a success closes it. The server's
 * own error replies say the store is there, and never open it. Each failure is logged with its kind and the
 * server's error name (`CROSSSLOT`, `READONLY`…), at most once a minute per pair.
 */
export function withBreaker(inner: RedisCommands, now: () => number = Date.now): RedisCommands {
  let failures = 0;
  let openUntil = 0;
  let probing = false;
  const logged = new Map<string, number>();

  function report(error: StoreError): void {
    const id = `${error.kind}:${error.reply ?? ''}`;
    if ((logged.get(id) ?? 0) > now()) return;
    logged.set(id, now() + 60_000);
    logWarn('store_command_failed', { kind: error.kind, reply: error.reply });
  }

  async function guarded<T>(run: () => Promise<T>): Promise<T> {
    // Open: refuse at once, but let one command through as a probe once the cool-down is over.
    if (openUntil > now() || (openUntil > 0 && probing)) throw new StoreError('The store is failing: commands are refused for a moment.', 'connection');
    const probe = openUntil > 0;
    if (probe) probing = true;
    try {
      const result = await run();
      failures = 0;
      if (openUntil > 0) record.breaker(false);
      openUntil = 0;
      return result;
    } catch (error) {
      const failure = StoreError.from(error);
      report(failure);
      if (failure.kind !== 'reply' && ++failures >= DEFAULTS.storeBreakerFailures) {
        if (openUntil === 0) {
          logWarn('store_breaker_open', { coolDownMs: DEFAULTS.storeBreakerCoolDownMs });
          record.breaker(true);
        }
        openUntil = now() + DEFAULTS.storeBreakerCoolDownMs;
      }
      throw failure;
    } finally {
      if (probe) probing = false;
    }
  }

  return {
    command: (args) => guarded(() => inner.command(args)),
    evalsha: (sha, keys, args) => guarded(() => inner.evalsha(sha, keys, args)),
    eval: (script, keys, args) => guarded(() => inner.eval(script, keys, args)),
    durable: inner.durable && ((args) => guarded(() => inner.durable!(args))),
    settling: () => inner.settling?.() ?? false,
  };
}
