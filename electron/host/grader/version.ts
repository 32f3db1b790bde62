// The grader's version, stamped on every report so a grade can be reproduced and a regrade can say
// what changed: a sha256 over the lab's grading code (engine/, electron/host/grader/ and
// electron/host/sandbox/), computed once per process, and one over an exercise's files (its folder
// and the trace files it names outside it). Each hashes its sorted paths and contents, line ends
// read as LF, so a checkout on Windows gets the same hashes. Also the seeds of generated traces.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GraderVersion, type RubricTest, subjects } from '../../../engine/grader';
import type { Exercise } from './exercise';

/** The lab's root, and the folders whose sources decide a grade. */
const LAB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CODE_FOLDERS = ['engine', 'electron/host/grader', 'electron/host/sandbox'];
/** Hex digits kept of a sha256 in a stamp (48 bits: no two versions of a course's grader collide). */
const SHORT = 12;

/** A file's contents with CRLF read as LF (a text file checked out on Windows hashes the same). */
function normalized(path: string): Buffer {
  const bytes = readFileSync(path);
  return bytes.includes(13) ? Buffer.from(bytes.toString('latin1').replace(/\r\n/g, '\n'), 'latin1') : bytes;
}

/** sha256 (hex) of one file, line ends normalized. */
export function fileHash(path: string): string {
  return createHash('sha256').update(normalized(path)).digest('hex');
}

/** The files under `dir` (dot-files, dot-folders and node_modules left out), as paths relative to `dir` with `/`. */
function filesUnder(dir: string, base = dir): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, base));
    else if (entry.isFile()) found.push(relative(base, path).split(sep).join('/'));
  }
  return found;
}

/** sha256 (hex) over `files` (name → absolute path): each name, a NUL, its contents' sha256, a newline, in name order. */
function hashFiles(files: Map<string, string>): string {
  const hash = createHash('sha256');
  for (const name of [...files.keys()].sort()) hash.update(`${name}\0${fileHash(files.get(name)!)}\n`);
  return hash.digest('hex');
}

let code: string | null = null;
/** sha256 (hex) of the lab's grading code, computed at the first call of the process. */
export function codeHash(): string {
  if (code === null) {
    const files = new Map<string, string>();
    for (const folder of CODE_FOLDERS) for (const path of filesUnder(join(LAB_ROOT, folder))) files.set(`${folder}/${path}`, join(LAB_ROOT, folder, path));
    code = hashFiles(files);
  }
  return code;
}

/**
 * The files of an exercise that decide its grades, by name: every file of its folder (relative
 * path) and every trace file exercise.yaml names outside it (as named there, e.g. ../traces/x.trace)
 * that exists (a pack's withheld traces have none).
 */
export function exerciseFiles(exercise: Exercise): Map<string, string> {
  const files = new Map<string, string>();
  for (const path of filesUnder(exercise.dir)) files.set(path, join(exercise.dir, path));
  for (const source of Object.values(exercise.spec.traces)) {
    if (!('file' in source)) continue;
    const path = resolve(exercise.dir, source.file);
    const inside = relative(exercise.dir, path);
    const outside = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside);
    if (outside && existsSync(path)) files.set(source.file, path); // a withheld trace has no file
  }
  return files;
}

/** Each exercise file's sha256 (short form), by name: what a regrade compares to say which files changed. */
export function exerciseFileHashes(exercise: Exercise): Record<string, string> {
  const files = exerciseFiles(exercise);
  return Object.fromEntries([...files.keys()].sort().map((name) => [name, fileHash(files.get(name)!).slice(0, SHORT)]));
}

/** The grader's version for grading `exercise`: the code's hash, the exercise's, and the hash of both. */
export function graderVersion(exercise: Exercise): GraderVersion {
  const codeFull = codeHash();
  const exerciseFull = hashFiles(exerciseFiles(exercise));
  const version = createHash('sha256').update(`${codeFull}\n${exerciseFull}\n`).digest('hex');
  return { version: version.slice(0, SHORT), code: codeFull.slice(0, SHORT), exercise: exerciseFull.slice(0, SHORT) };
}

/**
 * The seeds of the generated traces and scenarios that `tests` use, by trace name (a scenario that
 * names no seed has its subject's default); null when every one of their traces is a file.
 */
export function traceSeeds(exercise: Exercise, tests: RubricTest[]): Record<string, number> | null {
  const seeds: Record<string, number> = {};
  for (const name of [...new Set(tests.flatMap((t) => t.traces))]) {
    const source = exercise.spec.traces[name];
    if (!source || 'file' in source) continue;
    const options = 'generate' in source ? source.options : source.scenario;
    const fallback = exercise.spec.subject === null ? undefined : subjects[exercise.spec.subject]?.defaults.seed;
    const seed = options.seed ?? ('scenario' in source ? fallback : undefined);
    if (typeof seed === 'number') seeds[name] = seed;
  }
  return Object.keys(seeds).length === 0 ? null : seeds;
}

/** What a report carries to be reproduced: the grader's version and the seeds of the tests graded. */
export interface GraderStamp {
  grader: GraderVersion;
  seed: Record<string, number> | null;
}

/** The stamp of a grade of `tests` of `exercise`. */
export function graderStamp(exercise: Exercise, tests: RubricTest[]): GraderStamp {
  return { grader: graderVersion(exercise), seed: traceSeeds(exercise, tests) };
}
