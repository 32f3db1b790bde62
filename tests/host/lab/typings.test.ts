// The editor's 'freenos-lab' typings: made from engine/lab.ts, they declare the API a submission
// imports (MallocAllocator, Heap, log, each exercise's interfaces), and every built-in exercise's
// starter and reference type-check against them alone, as Monaco will check a student's file.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { labTypings } from '../../../electron/host/lab/typings';

const EXERCISES = path.join(import.meta.dirname, '../../../exercises');

/** The diagnostics of `files` (name → text) compiled with only the typings and the ES2022 library. */
function check(files: Record<string, string>): string[] {
  const all: Record<string, string> = { '/lab/freenos-lab.d.ts': labTypings(), ...files };
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts'], types: [] };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => (name in all ? ts.createSourceFile(name, all[name]!, version) : read(name, version));
  host.fileExists = (name) => name in all || ts.sys.fileExists(name);
  host.readFile = (name) => all[name] ?? ts.sys.readFile(name);
  const program = ts.createProgram(Object.keys(all), options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe("the 'freenos-lab' typings", () => {
  it('declare the module with the heap, the allocator interfaces and log', () => {
    const text = labTypings();
    expect(text).toMatch(/^declare module 'freenos-lab' \{/m);
    for (const name of ['MallocAllocator', 'Heap', 'BitAllocatorExercise', 'PoolAllocatorExercise', 'TuningSubmission']) expect(text).toContain(name);
    expect(text).toMatch(/export function log\(/);
    expect(text).not.toMatch(/from '\.\.?\//);
  });

  it('type-check code that uses them, and catch code that misuses them', () => {
    const use = `import { log, type Heap, type MallocAllocator, type BitAllocatorExercise, type BitAllocation } from 'freenos-lab';
export class M implements MallocAllocator {
  constructor(private heap: Heap) {}
  malloc(size: number): number { log('malloc', size); return this.heap.grow(size); }
  free(_address: number): void {}
  realloc(address: number, _size: number): number { return address; }
}
const a: BitAllocation = { result: 0, address: 4096 };
export const b: Partial<BitAllocatorExercise> = { available: () => a.address };
`;
    expect(check({ '/lab/use.ts': use })).toEqual([]);
    const misuse = `import type { Heap } from 'freenos-lab';\nexport const f = (h: Heap): string => h.end();\n`;
    expect(check({ '/lab/misuse.ts': misuse }).join('\n')).toMatch(/not assignable to type 'string'/);
  });

  it('type-check every built-in starter and reference', () => {
    const files: Record<string, string> = {};
    for (const id of readdirSync(EXERCISES)) {
      for (const name of ['starter.ts', 'reference.ts']) {
        const file = path.join(EXERCISES, id, name);
        if (existsSync(file)) files[`/lab/${id}/${name}`] = readFileSync(file, 'utf8');
      }
    }
    expect(Object.keys(files).length).toBeGreaterThanOrEqual(12);
    expect(check(files)).toEqual([]);
  });
});
