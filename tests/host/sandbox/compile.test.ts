// compileSubmission: TypeScript in, one instrumented sandbox script out; only 'freenos-lab' may be
// imported, dynamic import() and direct eval are refused, and every refusal or syntax error points
// at the student's line and column. Texts SES refuses inside literals keep their values.
import { describe, expect, it } from 'vitest';
import { compileSubmission } from '../../../electron/host/sandbox/compile';
import { BUMP, start } from './helpers';

async function errorsOf(source: string) {
  const result = await compileSubmission(source, 'student.ts');
  if (result.ok) throw new Error('expected a compile error');
  return result.errors;
}

describe('compileSubmission', () => {
  it('compiles a good submission into a program that runs in the sandbox', async () => {
    const result = await compileSubmission(BUMP, 'student.ts');
    if (!result.ok) throw new Error('does not compile');
    expect(result.meter).toBe('__meter0');
    expect(result.code).toContain('__meter0();');
    expect(result.globals).toEqual(['Math', 'Object', '__lab']); // Object: esbuild's export helper
    expect(structuredClone(result)).toEqual(result);
    const target = await start(BUMP);
    expect(await target.malloc(24)).toBe((await target.heapBase()) + 16);
  });

  it('picks a meter name the submission does not use', async () => {
    const result = await compileSubmission('const __meter0 = 1, __meter1 = 2;\nexport default class A { f() { return __meter0 + __meter1; } }\n', 'student.ts');
    if (!result.ok) throw new Error('does not compile');
    expect(result.meter).toBe('__meter2');
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

  it('refuses a computed dynamic import at its line, whatever it names', async () => {
    const errors = await errorsOf(`const name = 'f' + 's';\nexport default class A {\n  malloc(): number { void import(name); return 0; }\n  free(): void {}\n}\n`);
    expect(errors).toEqual([{ file: 'student.ts', line: 3, column: 27, message: "import() is not available: a submission may import only 'freenos-lab', with an import statement" }]);
  });

  it('refuses direct eval at its line, even with an indirect one earlier', async () => {
    const errors = await errorsOf(`export default class A {\n  malloc(size: number): number {\n    return eval('size + 1');\n  }\n  free(): void {}\n}\n`);
    expect(errors).toEqual([{ file: 'student.ts', line: 3, column: 12, message: 'eval() is not available in the lab: write the code itself' }]);
  });

  // A regular expression keeps what it matches; its .source shows the escape ('<\\x21--').
  it('keeps strings that contain import(, eval(, <!-- and --> as they were', async () => {
    const texts = ["import('fs')", 'eval(1)', '<!-- x -->', 'a-->b', 'import /* c */ x', `import\n(`];
    const source = `import { log } from 'freenos-lab';
const T = ${JSON.stringify(texts)};
export default class A {
  constructor() {
    for (const t of T) log(JSON.stringify(t));
    log(\`import(\${T.length}) eval( <!-- -->\`);
    log(/eval\\(|import\\(/.test('eval('), /eval\\(|import\\(/.test('eval'), /<!--/.test('a<!--'), /-->/.test('-->'), /-->/.test('->'));
  }
  malloc(): number { return 0; }
  free(): void {}
}
`;
    const target = await start(source);
    expect(await target.logs()).toEqual([...texts.map((t) => JSON.stringify(t)), 'import(6) eval( <!-- -->', 'true false true true false']);
  });

  it('runs methods named eval and import (SES would read their definitions as calls)', async () => {
    const target = await start(`const o = { eval(x: number) { return x + 1; }, import(y: number) { return y * 2; }, get eval2() { return 3; } };
class C { eval(x: number) { return x - 1; } static import(y: number) { return y; } }
export default class A {
  constructor() { console.log(o.eval(1), o.import(2), o.eval2, new C().eval(5), C.import(7)); }
  malloc(): number { return 0; }
  free(): void {}
}
`);
    expect(await target.logs()).toEqual(['2 4 3 4 7']);
  });

  // Known fault: esbuild keeps a comment written inside an expression, and instrument() escapes
  // literals only: SES then refuses the whole program ('Possible direct eval expression rejected at
  // submission.js:29. (SES_EVAL_REJECTED)'), naming no line of the student's.
  it.fails('runs a submission whose comments esbuild keeps hold eval(, import(, <!-- or -->', async () => {
    const target = await start(`export default class A {
  malloc(size: number): number { return /* not eval(size) */ [/* import('x') */ size, /* <!-- --> */ 0][1]!; }
  free(): void {}
}
`);
    expect(await target.malloc(8)).toBe(0);
  });

  it('counts columns in characters, not UTF-8 bytes', async () => {
    const errors = await errorsOf(`const é = 'ü'; import x from './other';\nexport default x;\n`);
    expect(errors[0]).toMatchObject({ line: 1, column: 30 });
    const evaled = await errorsOf(`const é = 'ü'; eval('1');\nexport default é;\n`);
    expect(evaled[0]).toMatchObject({ line: 1, column: 16 });
  });

  it('reports syntax errors where esbuild finds them', async () => {
    const errors = await errorsOf(`export default class A {\n  malloc(size: number): number {\n    return size +;\n  }\n}\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'student.ts', line: 3, column: 18, message: 'Unexpected ";"' });
  });

  it('drops type-only imports from freenos-lab, also without the type keyword', async () => {
    const source = `import { Heap, MallocAllocator } from 'freenos-lab';\nexport default class A implements MallocAllocator {\n  constructor(private heap: Heap) {}\n  malloc(): number { return 0; }\n  free(): void {}\n}\n`;
    const target = await start(source);
    expect(await target.malloc(8)).toBe(0);
  });

  it("links log from 'freenos-lab' to the sandbox log", async () => {
    const target = await start(`import { log } from 'freenos-lab';\nexport default class A {\n  constructor() { log('hello', 42, true, null, undefined, [1, 'a'], { x: 1 }); }\n  malloc(): number { return 0; }\n  free(): void {}\n}\n`);
    expect(await target.logs()).toEqual(['hello 42 true null undefined [1,"a"] {"x":1}']);
  });
});
