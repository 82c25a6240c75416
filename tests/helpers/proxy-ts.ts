import { readFileSync } from 'node:fs';
import { root } from '../../scripts/lib/processes.mjs';

/** The `proxy.ts` snippet of the README, exactly as a user would paste it. */
export function proxySnippetFromReadme(): string {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const match = /Switching to `proxy\.ts`[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README has no proxy.ts snippet');
  return match[1];
}
