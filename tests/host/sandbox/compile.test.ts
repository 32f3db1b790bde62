// compileSubmission: TypeScript in, one sandbox script out; only 'freenos-lab' may be imported, and
// every refusal or syntax error points at the student's line and column.
import { describe, expect, it } from 'vitest';
import { compileSubmission } from '../../../electron/host/sandbox/compile';
import { BUMP, start } from './helpers';

async function errorsOf(source: string) {
  const result = await compileSubmission(source, 'student.ts');
  if (result.ok) throw new Error('expected a compile error');
  return result.errors;
}

describe('compileSubmission', () => {
  it('compiles a good submission into a script that runs in the sandbox', async () => {
    const result = await compileSubmission(BUMP, 'student.ts');
    expect(result.ok).toBe(true);
    const target = await start(BUMP);
    expect(target.malloc(24)).toBe(target.heapBase() + 16);
  });

  it('refuses node:fs at the import, with line and column', async () => {
    const errors = await errorsOf(`// my allocator\n  import fs from 'node:fs';\nexport default fs;\n`);
    expect(errors).toEqual([{ file: 'student.ts', line: 2, column: 18, message: "only 'freenos-lab' can be imported here, not 'node:fs'" }]);
  });

  it('refuses relative files, packages and URLs', async () => {
    for (const specifier of ['./other', 'fs', 'electron', 'https://example.com/x.js']) {
      const errors = await errorsOf(`import x from '${specifier}';\nexport default x;\n`);
      expect(errors[0]).toMatchObject({ line: 1, column: 15, message: `only 'freenos-lab' can be imported here, not '${specifier}'` });
    }
  });

  it('refuses require() and a literal dynamic import at compile time', async () => {
    const required = await errorsOf(`const fs = require('fs');\nexport default fs;\n`);
    expect(required[0]).toMatchObject({ line: 1, message: "only 'freenos-lab' can be imported here, not 'fs'" });
    const dynamic = await errorsOf(`export default class A {\n  async x() { return import('node:fs'); }\n}\n`);
    expect(dynamic[0]).toMatchObject({ line: 2, column: 29, message: "only 'freenos-lab' can be imported here, not 'node:fs'" });
  });

  it('counts columns in characters, not UTF-8 bytes', async () => {
    const errors = await errorsOf(`const é = 'ü'; import x from './other';\nexport default x;\n`);
    expect(errors[0]).toMatchObject({ line: 1, column: 30 });
  });

  it('reports syntax errors where esbuild finds them', async () => {
    const errors = await errorsOf(`export default class A {\n  malloc(size: number): number {\n    return size +;\n  }\n}\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'student.ts', line: 3, column: 18 });
    expect(errors[0]!.message).toMatch(/Unexpected/);
  });

  it('drops type-only imports from freenos-lab, also without the type keyword', async () => {
    const source = `import { Heap, MallocAllocator } from 'freenos-lab';\nexport default class A implements MallocAllocator {\n  constructor(private heap: Heap) {}\n  malloc(): number { return 0; }\n  free(): void {}\n}\n`;
    const target = await start(source);
    expect(target.malloc(8)).toBe(0);
  });

  it("links log from 'freenos-lab' to the sandbox log", async () => {
    const target = await start(`import { log } from 'freenos-lab';\nexport default class A {\n  constructor() { log('hello', 42, true, null, undefined, [1, 'a'], { x: 1 }); }\n  malloc(): number { return 0; }\n  free(): void {}\n}\n`);
    expect(target.logs()).toEqual(['hello 42 true null undefined [1,"a"] {"x":1}']);
  });
});
