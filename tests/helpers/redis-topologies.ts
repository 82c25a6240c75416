import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, type Proc } from '../../scripts/lib/processes.mjs';

const cli = (port: number, ...args: string[]) => execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(200);
  }
}

function redisServer(dir: string, port: number, extra: string[]): Proc {
  const home = join(dir, String(port));
  mkdirSync(home, { recursive: true });
  return startProcess(`redis ${port}`, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', home, '--save', '', '--appendonly', 'no', ...extra]);
}

export interface RedisCluster {
  url: string;
  ports: number[];
  /** The master currently serving `key`'s slot. */
  masterFor(key: string): number;
  /** Kills a node at once (SIGKILL), as a crash would. */
  crash(port: number): void;
  /** Waits until every live node reports `cluster_state:ok`. */
  healthy(): Promise<void>;
  stop(): Promise<void>;
}

/** Redis Cluster, 3 masters + 3 replicas on loopback (Debian's redis-server, `--cluster-enabled`), created by redis-cli. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'bff-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < 6; i++) ports.push(await freePort());
  const nodes = new Map(ports.map((p) => [p, redisServer(dir, p, ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '1000'])]));
  const dead = new Set<number>();
  const live = () => ports.filter((p) => !dead.has(p));
  const healthy = () => until('cluster_state:ok', () => live().every((p) => cli(p, 'cluster', 'info').includes('cluster_state:ok')));
  await until('redis nodes', () => ports.every((p) => cli(p, 'ping') === 'PONG'), 10_000);
  execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], { encoding: 'utf8' });
  await healthy();
  // The replicas' first sync ends after the cluster says ok: until then, a crashed master has nobody to take over.
  await until('replication', () => ports.every((p) => !/role:slave/.test(cli(p, 'info', 'replication')) || cli(p, 'info', 'replication').includes('master_link_status:up')));
  return {
    url: `redis+cluster://${ports.slice(0, 2).map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports,
    masterFor(key) {
      const slot = Number(cli(live()[0], 'cluster', 'keyslot', key));
      const shards = cli(live()[0], 'cluster', 'slots');
      // Flat redis-cli output: start, end, then master ip, port, id, then replicas.
      const lines = shards.split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (/^\d+$/.test(lines[i]) && /^\d+$/.test(lines[i + 1] ?? '') && lines[i + 2] === '127.0.0.1') {
          const [start, end] = [Number(lines[i]), Number(lines[i + 1])];
          if (slot >= start && slot <= end) return Number(lines[i + 3]);
        }
      }
      throw new Error(`no master for slot ${slot}`);
    },
    crash(port) {
      dead.add(port);
      nodes.get(port)!.child.kill('SIGKILL');
    },
    healthy,
    async stop() {
      await Promise.all([...nodes.values()].map((n) => n.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisSentinel {
  url: string;
  /** The current master's port, as the sentinels see it. */
  master(): number;
  /** The port of the data node that is not the master. */
  replica(): number;
  /** Sends a signal to a data node (SIGSTOP/SIGCONT: a node that hangs, then comes back). */
  signal(port: number, signal: NodeJS.Signals): void;
  /** `SENTINEL FAILOVER`: the master steps down gracefully; resolves when the sentinels name another. */
  failover(): Promise<void>;
  /** Kills the current master (SIGKILL); resolves when the sentinels have promoted the replica; its old port. */
  crashMaster(): Promise<number>;
  /** Starts a crashed node again on its port, empty (no persistence), believing it is a master; resolves once it answers. */
  restartEmpty(port: number): Promise<void>;
  /** Closes every client connection to the current master (CLIENT KILL): the clients reconnect, wherever they look. */
  dropClients(): void;
  stop(): Promise<void>;
}

/** A master, its replica and three sentinels (`redis-server --sentinel`) on loopback. */
export async function startRedisSentinel(): Promise<RedisSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'bff-sentinel-'));
  const [master, replica, ...sentinelPorts] = await Promise.all([0, 1, 2, 3, 4].map(() => freePort()));
  const data = new Map<number, Proc>([
    [master, redisServer(dir, master, [])],
    [replica, redisServer(dir, replica, ['--replicaof', '127.0.0.1', String(master)])],
  ]);
  const sentinels = sentinelPorts.map((port) => {
    const conf = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [`port ${port}`, 'bind 127.0.0.1', `sentinel monitor bff 127.0.0.1 ${master} 2`, 'sentinel down-after-milliseconds bff 1000', 'sentinel failover-timeout bff 5000', ''].join('\n'),
    );
    return startProcess(`sentinel ${port}`, 'redis-server', [conf, '--sentinel']);
  });
  const current = () => Number(cli(sentinelPorts[0], 'sentinel', 'get-master-addr-by-name', 'bff').split('\n')[1]);
  await until('replication', () => cli(replica, 'info', 'replication').includes('master_link_status:up'));
  await until('sentinels', () => sentinelPorts.every((p) => cli(p, 'sentinel', 'sentinels', 'bff').split('\n').filter((l) => l === 'name').length >= 2));
  // SENTINEL FAILOVER needs a replica the sentinels have discovered (through the master's INFO, every few seconds).
  await until('replica discovery', () => sentinelPorts.every((p) => cli(p, 'sentinel', 'replicas', 'bff').includes(String(replica))));
  const promoted = (from: number) =>
    until('a new master', () => current() !== from && cli(current(), 'info', 'replication').includes('role:master'), 30_000);
  return {
    url: `redis+sentinel://${sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',')}/bff`,
    master: current,
    replica: () => (current() === master ? replica : master),
    signal: (port, signal) => void data.get(port)!.child.kill(signal),
    async failover() {
      const from = current();
      const answer = cli(sentinelPorts[0], 'sentinel', 'failover', 'bff');
      if (answer !== 'OK') throw new Error(`SENTINEL FAILOVER: ${answer}`);
      await promoted(from);
    },
    async crashMaster() {
      const from = current();
      data.get(from)!.child.kill('SIGKILL');
      await promoted(from);
      return from;
    },
    async restartEmpty(port) {
      data.set(port, redisServer(dir, port, []));
      await until('the restarted node', () => cli(port, 'ping') === 'PONG', 10_000);
    },
    dropClients() {
      cli(current(), 'client', 'kill', 'type', 'normal');
    },
    async stop() {
      await Promise.all([...data.values(), ...sentinels].map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
