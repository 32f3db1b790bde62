// compileSubmission: turns a student's TypeScript file into a Program the sandbox can run. esbuild
// strips the types and bundles; the only module a submission may import is 'freenos-lab', which at
// run time is a virtual module whose `log` is the sandbox's capped logger (its types, Heap and
// MallocAllocator, vanish at compile time). instrument.ts then puts the meter in. Any other
// import, static or dynamic, direct eval, and any syntax error comes back as an error at the
// student's line and column. Types are not checked. The program carries a source map of itself,
// for run-time errors' positions (sourceMap.ts). Sources past sourceLimits.ts's bounds are refused
// before esbuild sees them, and a compiler that dies is replaced (its death is that file's error).
import type * as esbuild from 'esbuild';
import { instrument } from './instrument';
import { COMPARTMENT_GLOBALS, type Program } from './program';
import { originalPosition } from './sourceMap';
import { sourceProblem } from './sourceLimits';

export interface CompileError {
  file: string;
  /** 1-based line and 1-based column (in characters) in the student's file. */
  line: number;
  column: number;
  message: string;
}

export type CompileResult = ({ ok: true } & Program) | { ok: false; errors: CompileError[] };

/** The only module a submission may import. */
export const LAB_MODULE = 'freenos-lab';

/** The name the bundle's exports are kept under inside the wrapper function (never a global). */
const EXPORTS = '__labSubmission';

/** Resolves 'freenos-lab' to the virtual module and refuses every other import. */
const labOnly: esbuild.Plugin = {
  name: 'freenos-lab-only',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (args.path === LAB_MODULE) return { path: LAB_MODULE, namespace: 'freenos-lab' };
      return { errors: [{ text: `only '${LAB_MODULE}' can be imported here, not '${args.path}'` }] };
    });
    build.onLoad({ filter: /.*/, namespace: 'freenos-lab' }, () => ({
      contents: 'export const log = __lab.log;',
      loader: 'js',
    }));
  },
};

/**
 * Compiles `source` (named `file` in messages). On success `code` is the body of a function that
 * returns the module namespace (its `default` is the allocator class); it defines no globals;
 * `map` maps its positions (as submission.js, one line below the wrapper's) to `file`'s. On
 * failure, the errors with 1-based lines and columns. Assumes nothing about the source.
 */
export async function compileSubmission(source: string, file: string): Promise<CompileResult> {
  const problem = sourceProblem(source, file);
  if (problem) return { ok: false, errors: [problem] };
  for (let attempt = 1; ; attempt++) {
    try {
      return finish(await withinTime(bundle(source, file)), file);
    } catch (error) {
      if (error === TOO_SLOW) {
        await (await loadEsbuild()).stop();
        return { ok: false, errors: [{ file, line: 1, column: 1, message: `the compiler took more than ${COMPILE_MS / 1000} s on this file (and was stopped)` }] };
      }
      const messages = (error as { errors?: esbuild.Message[] }).errors;
      if (Array.isArray(messages) && messages.length > 0) return { ok: false, errors: messages.slice(0, MAX_ERRORS).map((m) => toCompileError(m, file)) };
      // esbuild's service process died: on this file, or on another compiled at the same time. The
      // next build starts a new service; a file that kills it twice is the culprit.
      const died = /service (was stopped|is no longer running)/.test(String(error));
      if (died) await (await loadEsbuild()).stop();
      if (died && attempt < 2) continue;
      const why = died ? 'the compiler crashed on this file (a new compiler serves the next one)' : `could not compile: ${String(error)}`;
      return { ok: false, errors: [{ file, line: 1, column: 1, message: why }] };
    }
  }
}

/** The longest one compile may take (a real file takes well under 100 ms); then its service is stopped. */
const COMPILE_MS = 20_000;
const TOO_SLOW = Symbol('too slow');

/** `work`'s value, or a rejection with TOO_SLOW once COMPILE_MS have passed. */
function withinTime<T>(work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(TOO_SLOW), COMPILE_MS); });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * esbuild, loaded at the first compile: a grading child process that only runs programs the host
 * compiled never loads it (its import alone costs ~45 ms of every process's start).
 */
let loaded: Promise<typeof esbuild> | null = null;
const loadEsbuild = (): Promise<typeof esbuild> => (loaded ??= import('esbuild'));

/** The errors kept from one compile (esbuild reports one per bad token). */
const MAX_ERRORS = 50;

/** esbuild's bundle of `source`: the script and its external source map. Throws esbuild's failure. */
async function bundle(source: string, file: string): Promise<esbuild.BuildResult & { outputFiles: esbuild.OutputFile[] }> {
  return (await loadEsbuild()).build({
    stdin: { contents: source, sourcefile: file, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    globalName: EXPORTS,
    target: 'es2020',
    platform: 'neutral',
    plugins: [labOnly],
    logLevel: 'silent',
    logLimit: MAX_ERRORS,
    // No tsconfig from disk: imports used only as types are dropped, whatever the project says.
    tsconfigRaw: {},
    charset: 'utf8',
    legalComments: 'none',
    // Never written: the name only lets esbuild make an external map (no sourceMappingURL comment).
    outfile: 'submission.js',
    sourcemap: 'external',
    sourcesContent: false,
  });
}

/** The Program made of esbuild's output (the meter put in), or the instrumenter's refusal at the student's position. */
function finish(result: { outputFiles: esbuild.OutputFile[] }, file: string): CompileResult {
  const output = (suffix: string) => result.outputFiles.find((f) => f.path.endsWith(suffix))?.text ?? '';
  const raw = JSON.parse(output('.js.map') || '{}') as { sources?: string[]; mappings?: string };
  // `var __labSubmission = (...)()` inside a function: the exports stay local, the value is returned.
  // The wrapper's first line shifts the bundle one line down: so does the ';' before the mappings.
  const js = output('.js');
  const map = { file, source: raw.sources?.indexOf(file) ?? -1, mappings: `;${raw.mappings ?? ''}` };
  const done = instrument(`${js}\nreturn ${EXPORTS};`, COMPARTMENT_GLOBALS);
  if (!done.ok) {
    const before = js.slice(0, done.offset);
    const line = before.split('\n').length + 1;
    const at = originalPosition(map, line, done.offset - before.lastIndexOf('\n'));
    return { ok: false, errors: [{ file, line: at?.line ?? 1, column: at?.column ?? 1, message: done.message }] };
  }
  return { ok: true, code: done.code, meter: done.meter, globals: done.globals, map: { ...map, edits: done.edits } };
}

/** esbuild's message with its 0-based byte column turned into a 1-based character column. */
function toCompileError(message: esbuild.Message, file: string): CompileError {
  const location = message.location;
  if (!location) return { file, line: 1, column: 1, message: message.text };
  const before = Buffer.from(location.lineText, 'utf8').subarray(0, location.column).toString('utf8');
  return { file: location.file || file, line: location.line, column: before.length + 1, message: message.text };
}
