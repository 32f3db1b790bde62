// Exercises on disk: a folder with an exercise.yaml (checked by the engine's readExerciseSpec), the
// starter, the reference and the trace files it names. Loading reads and checks everything a grade
// needs up front, so a broken exercise is an ExerciseError naming the file and the reason, never a
// crash halfway through grading a class. Traces are loaded by name, from a file or a generator.
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { type ExerciseSpec, readExerciseSpec, RubricError, subjects } from '../../../engine/grader';
import { generate, parseTrace, type Trace, TraceError } from '../../../engine/workload';

/** The exercises that ship with the lab (this checkout's exercises/ folder). */
export const BUILT_IN_PACK = resolve(dirname(fileURLToPath(import.meta.url)), '../../../exercises');

export class ExerciseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExerciseError';
  }
}

export interface Exercise {
  dir: string;
  /** Path of exercise.yaml. */
  file: string;
  spec: ExerciseSpec;
  /** Traces whose files this pack leaves out (a student pack's hidden traces): their tests are not run here. */
  withheld: string[];
  /** The reference's work per trace from reference-work.json (a student pack has it instead of the reference). */
  referenceWork: Record<string, number> | null;
}

/** The file a student pack carries in place of the reference: its work per trace. */
export const REFERENCE_WORK = 'reference-work.json';

/**
 * Finds an exercise: `name` is a folder holding exercise.yaml, or an exercise id inside `pack`.
 * Throws ExerciseError when there is none.
 */
export function findExercise(name: string, pack: string = BUILT_IN_PACK): string {
  if (existsSync(join(name, 'exercise.yaml'))) return resolve(name);
  const inPack = join(pack, name);
  if (existsSync(join(inPack, 'exercise.yaml'))) return resolve(inPack);
  const known = listExerciseDirs(pack).map((dir) => dir.slice(resolve(pack).length + 1));
  throw new ExerciseError(`no exercise '${name}' (neither a folder with an exercise.yaml nor an exercise in ${pack}; there: ${known.join(', ') || 'none'})`);
}

/** The folders of `pack` that hold an exercise.yaml, sorted. */
export function listExerciseDirs(pack: string): string[] {
  if (!existsSync(pack) || !statSync(pack).isDirectory()) throw new ExerciseError(`${pack}: not a folder of exercises`);
  return readdirSync(pack)
    .map((entry) => resolve(pack, entry))
    .filter((dir) => existsSync(join(dir, 'exercise.yaml')))
    .sort();
}

/** The lab's own folder: its exercises and test fixtures may name its files (the lab is public). */
const LAB_FILES = resolve(BUILT_IN_PACK, '..');

/** The largest trace file and the largest starter, reference or instructions an exercise may name. */
const MAX_TRACE_BYTES = 64 * 1024 * 1024;
const MAX_SOURCE_BYTES = 1024 * 1024;

/**
 * Checks a file an exercise in `dir` names (`where` says which field): once links are followed it
 * must be inside the exercise's pack (the folder holding `dir`) or the lab's own files, and a
 * regular file (not a FIFO or a device, which would hang or never end) of at most `maxBytes`.
 * Throws ExerciseError without quoting the file.
 */
function checkPackFile(dir: string, where: string, path: string, maxBytes: number): void {
  const real = realpathSync(resolve(dir, path));
  const inside = (root: string) => {
    const rel = relative(realpathSync(root), real);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  };
  if (!inside(dirname(dir)) && !inside(LAB_FILES)) throw new ExerciseError(`${where}: ${path} is outside the exercise's pack (${dirname(dir)}): an exercise may only name files of its pack`);
  const stat = statSync(real);
  if (!stat.isFile()) throw new ExerciseError(`${where}: ${path} is not a regular file`);
  if (stat.size > maxBytes) throw new ExerciseError(`${where}: ${path} has ${stat.size.toLocaleString('en-US')} bytes: at most ${maxBytes.toLocaleString('en-US')}`);
}

/** Reads and checks exercise.yaml and that the files it names exist, inside its pack; throws ExerciseError. */
export function loadExercise(dir: string): Exercise {
  const file = join(dir, 'exercise.yaml');
  let text: string;
  let version: string;
  try {
    const stat = statSync(file);
    if (!stat.isFile() || stat.size > MAX_SOURCE_BYTES) throw new Error(stat.isFile() ? `larger than ${MAX_SOURCE_BYTES} bytes` : 'not a regular file');
    version = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    const known = parsed.get(file);
    text = known?.version === version ? '' : readFileSync(file, 'utf8');
  } catch (error) {
    throw new ExerciseError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const spec = parsed.get(file)?.version === version ? parsed.get(file)!.spec : parseSpec(file, text);
  if (parsed.size >= 256) parsed.clear();
  parsed.set(file, { version, spec });
  return checkFiles(dir, file, spec);
}

/** Specs already read, by exercise.yaml's path: reused while its time, size and inode stay the same (the app lists exercises often). */
const parsed = new Map<string, { version: string; spec: ExerciseSpec }>();

/** exercise.yaml's text as a checked spec; throws ExerciseError naming the file and field. */
function parseSpec(file: string, text: string): ExerciseSpec {
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ExerciseError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  let spec: ExerciseSpec;
  try {
    spec = readExerciseSpec(data, file);
  } catch (error) {
    if (error instanceof RubricError) throw new ExerciseError(error.message);
    throw error;
  }
  if (spec.subject !== null && !Object.hasOwn(subjects, spec.subject)) {
    throw new ExerciseError(`${file}: subject: '${spec.subject}' is not a subject the grader knows (${Object.keys(subjects).join(', ')})`);
  }
  return spec;
}

/** The exercise of `spec` in `dir`: the files it names checked (they change without exercise.yaml changing). */
function checkFiles(dir: string, file: string, spec: ExerciseSpec): Exercise {
  const referenceWork = readReferenceWork(dir);
  const files: [string, string | null][] = [['starter', spec.starter], ['reference', referenceWork ? null : spec.reference], ['instructions', spec.instructions]];
  for (const [field, path] of files) {
    if (path !== null && !existsSync(join(dir, path))) throw new ExerciseError(`${file}: ${field}: ${path} does not exist in ${dir}`);
    if (path !== null) checkPackFile(dir, `${file}: ${field}`, path, MAX_SOURCE_BYTES);
  }
  // A missing trace file is an error, unless only tests students do not see use it (a student pack).
  const withheld: string[] = [];
  for (const [name, source] of Object.entries(spec.traces)) {
    if ('file' in source && existsSync(join(dir, source.file))) checkPackFile(dir, `${file}: traces.${name}.file`, source.file, MAX_TRACE_BYTES);
    if (!('file' in source) || existsSync(join(dir, source.file))) continue;
    const users = spec.tests.filter((t) => t.traces.includes(name));
    if (users.length === 0 || users.some((t) => t.visibility === 'visible')) throw new ExerciseError(`${file}: traces.${name}.file: ${source.file} does not exist in ${dir}`);
    withheld.push(name);
  }
  return { dir, file, spec, withheld, referenceWork };
}

/**
 * The exercise's secret traces: those only non-visible tests use. A student pack leaves them out (a
 * generated one, its seed too); a test that uses one is a hidden test in the strict sense, graded by
 * the instructor. (A non-visible test on visible traces only is not secret: its results are shown
 * after the due date, but students have its traces and run it.)
 */
export function secretTraces(spec: ExerciseSpec): Set<string> {
  return new Set(Object.keys(spec.traces).filter((name) => {
    const users = spec.tests.filter((t) => t.traces.includes(name));
    return users.length > 0 && users.every((t) => t.visibility !== 'visible');
  }));
}

/** reference-work.json's contents, null when there is none; ExerciseError when it is malformed. */
function readReferenceWork(dir: string): Record<string, number> | null {
  const path = join(dir, REFERENCE_WORK);
  if (!existsSync(path)) return null;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ExerciseError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ExerciseError(`${path}: must map trace names to work units`);
  for (const [name, work] of Object.entries(data)) {
    if (typeof work !== 'number' || !Number.isFinite(work) || work < 0) throw new ExerciseError(`${path}: ${name}: must be a number of work units, not ${JSON.stringify(work)}`);
  }
  return data as Record<string, number>;
}

/** The trace `name` of the exercise, parsed or generated; throws ExerciseError naming the trace. */
export function loadTrace(exercise: Exercise, name: string): Trace {
  const source = exercise.spec.traces[name];
  if (!source) throw new ExerciseError(`${exercise.file}: no trace named '${name}'`);
  try {
    if ('file' in source) {
      // Named as exercise.yaml names it, so reports are the same on every machine.
      return { ...parseTrace(readFileSync(join(exercise.dir, source.file), 'latin1'), source.file), name };
    }
    if ('scenario' in source) throw new Error('is a scenario of an api exercise, not a malloc trace');
    return { ...generate(source.generate, source.options as Record<string, number | string> & { seed: number }), name };
  } catch (error) {
    if (error instanceof TraceError) throw new ExerciseError(error.message);
    throw new ExerciseError(`${exercise.file}: traces.${name}: ${(error as Error).message}`);
  }
}

/** The text of a file named by the exercise (starter, reference). */
export function readExerciseFile(exercise: Exercise, path: string): string {
  return readFileSync(join(exercise.dir, path), 'utf8');
}
