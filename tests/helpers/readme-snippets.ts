import { readFileSync } from 'node:fs';
import { root } from '../../scripts/lib/processes.mjs';

export interface SnippetFile {
  path: string;
  source: string;
}

/** Names the file a snippet segment is: `// lib/bff.ts`, `// middleware.ts (edge runtime) — …`, `// types/bff.d.ts`. */
const FILE_HEADER = /^\/\/ ((?:[\w.[\]-]+\/)*[\w.[\]-]+\.tsx?)\b/;

/** Fragments that show only the code in question get what they assume: Next's request types and the app's BFF. */
const CONTEXT = "import { NextResponse, type NextRequest } from 'next/server';\nimport { bff } from './lib/bff';\n";

/**
 * The README's TypeScript snippets as the files a user would make of them: a block is cut where a comment names a
 * file; a segment that names none becomes `snippet-<n>.ts(x)` at the app's root, with CONTEXT when it imports nothing.
 */
export function readmeSnippetFiles(): SnippetFile[] {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const files: SnippetFile[] = [];
  let n = 0;
  for (const [, indent, lang, body] of readme.matchAll(/^( *)```(tsx?)\n([\s\S]*?)^ *```/gm)) {
    const lines = body.split('\n').map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line));
    let current: SnippetFile | undefined;
    for (const line of lines) {
      const named = FILE_HEADER.exec(line);
      if (named || !current) {
        current = { path: named ? named[1] : `snippet-${++n}.${lang}`, source: '' };
        files.push(current);
      }
      current.source += `${line}\n`;
    }
  }
  for (const file of files) if (!/^import /m.test(file.source)) file.source = CONTEXT + file.source;
  return files;
}
