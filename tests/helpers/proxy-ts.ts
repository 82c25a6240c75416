import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { root } from '../../scripts/lib/processes.mjs';

/** The `proxy.ts` snippet of the README, as a user would paste it (with this repository's path to its BFF). */
export function proxySnippetFromReadme(): string {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const match = /Switching to `proxy\.ts`[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README has no proxy.ts snippet');
  // The snippet is written for an app laid out as the README's steps say; this repository keeps its BFF in app/lib/.
  return match[1].replace("from './lib/bff'", "from './app/lib/bff'");
}

/** The two runtimes the proxy's tests run on: the edge middleware (`fetch`) and `proxy.ts` on Node (`node:http`). */
export const RUNTIMES = ['edge middleware.ts', 'Node proxy.ts'] as const;
export type Runtime = (typeof RUNTIMES)[number];

/** The build a runtime's app is started from: the main one for the edge, the README's `proxy.ts` one for Node. */
export const appDirFor = (runtime: Runtime) => (runtime === 'Node proxy.ts' ? inject('proxyTsDir') : undefined);
