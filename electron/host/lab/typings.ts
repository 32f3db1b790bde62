// The editor's type definitions of the 'freenos-lab' module a submission imports: engine/lab.ts and
// the engine files it re-exports from, turned into declarations by the TypeScript compiler and
// wrapped as ambient modules for Monaco's addExtraLib. engine/lab.ts is the only source of these
// types; nothing is written by hand. Made at first use (about 1 s, synchronous) and kept in memory.
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The module name submissions import (as the sandbox's compiler maps it). */
export const LAB_MODULE = 'freenos-lab';

const ENGINE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../engine');
const ENTRY = resolve(ENGINE, 'lab.ts');

let cached: string | null = null;

/**
 * `declare module 'freenos-lab' { ... }` plus one `declare module 'freenos-lab/<path>'` per engine
 * file lab.ts re-exports from (their relative imports rewritten to those names). Throws when the
 * compiler reports a problem with engine/lab.ts (a broken checkout), never for a student's code.
 */
export function labTypings(): string {
  cached ??= generate();
  return cached;
}

function generate(): string {
  const options: ts.CompilerOptions = {
    declaration: true,
    emitDeclarationOnly: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    skipLibCheck: true,
    lib: ['lib.es2022.d.ts'],
    types: [],
  };
  const program = ts.createProgram([ENTRY], options);
  const emitted = new Map<string, string>();
  const result = program.emit(undefined, (name, text) => emitted.set(resolve(name), text));
  if (result.emitSkipped || result.diagnostics.length > 0) {
    const why = ts.formatDiagnostics(result.diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ENGINE, getNewLine: () => '\n' });
    throw new Error(`the lab's type definitions could not be made from ${ENTRY}: ${why || 'emit skipped'}`);
  }
  const blocks: string[] = [];
  // lab.d.ts first: the module a submission names; then the files it pulls in, by path.
  const files = [...emitted.keys()].sort((a, b) => (a.endsWith('/lab.d.ts') ? -1 : b.endsWith('/lab.d.ts') ? 1 : a.localeCompare(b)));
  for (const file of files) blocks.push(wrap(moduleName(file), emitted.get(file)!, dirname(file)));
  return `// Type definitions of the '${LAB_MODULE}' module (made from engine/lab.ts).\n${blocks.join('\n')}`;
}

/** 'freenos-lab' for lab.d.ts, 'freenos-lab/workload/Heap' for engine/workload/Heap.d.ts. */
function moduleName(declarationFile: string): string {
  const path = relative(ENGINE, declarationFile).replace(/\\/g, '/').replace(/\.d\.ts$/, '');
  return path === 'lab' ? LAB_MODULE : `${LAB_MODULE}/${path}`;
}

/** One declaration file as an ambient module: relative specifiers made absolute, `declare` dropped (already ambient). */
function wrap(name: string, text: string, dir: string): string {
  const specifier = (quote: string, spec: string) => `${quote}${spec.startsWith('.') ? moduleName(resolve(dir, spec.replace(/\.(js|ts)$/, '') + '.d.ts')) : spec}${quote}`;
  const body = text
    .replace(/(\bfrom\s+|\bimport\s*\(\s*)(['"])([^'"]+)\2/g, (_m, lead: string, quote: string, spec: string) => lead + specifier(quote, spec))
    .replace(/^(export\s+)?declare\s+/gm, '$1')
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
  return `declare module '${name}' {\n${body.trimEnd()}\n}\n`;
}
