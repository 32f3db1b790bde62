// Exercise packs: copies of exercises an instructor hands out or keeps. Each exercise is copied to
// <out>/<id>/ with the trace files it uses from outside its folder brought inside (traces/), so a
// pack stands alone. A student pack also leaves out the reference (reference-work.json carries its
// work per trace instead, so throughput still scores) and every trace only non-visible tests use:
// those tests show as graded by the instructor. Generated hidden traces would give their seeds
// away, so a student pack points them at files it does not ship. A grading pack (an autograder's)
// leaves out only the reference: its work on every trace, hidden ones included, is in reference-work.json.
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { ExerciseError, REFERENCE_WORK, loadExercise, secretTraces } from './exercise';
import { measureReference } from './grade';

export interface PackedExercise {
  id: string;
  dir: string;
  /** Traces a student pack left out, and whether the reference was replaced by its work (reference-work.json). */
  withheld: string[];
  referenceWork: boolean;
}

export interface PackOptions {
  /** A student pack: no reference, no hidden traces. */
  student: boolean;
  /** A grading pack (ignored with `student`): every test and trace, the reference's work instead of the reference. */
  grading?: boolean;
}

/** Writes the exercises in `dirs` to `out` (created; an existing exercise folder there is an error). */
export async function writePack(dirs: string[], out: string, options: PackOptions): Promise<PackedExercise[]> {
  const packed: PackedExercise[] = [];
  for (const dir of dirs) packed.push(await packOne(dir, out, options.student, options.grading === true));
  return packed;
}

async function packOne(dir: string, out: string, student: boolean, grading: boolean): Promise<PackedExercise> {
  const exercise = loadExercise(dir);
  const { spec } = exercise;
  const dest = join(out, spec.id);
  if (existsSync(dest)) throw new ExerciseError(`${dest} already exists: pack into an empty folder`);
  const hidden = secretTraces(spec);
  const leftOut = new Set<string>(); // absolute paths not copied
  const withoutReference = student || grading;
  if (withoutReference) leftOut.add(resolve(dir, spec.reference));
  if (student) {
    for (const name of hidden) {
      const source = spec.traces[name]!;
      if ('file' in source) leftOut.add(resolve(dir, source.file));
    }
  }
  mkdirSync(dest, { recursive: true });
  // Links are copied as what they point at, and only when that is a file or folder of the pack:
  // a link to /etc/passwd, absolute or not, must not travel with a pack.
  cpSync(dir, dest, { recursive: true, dereference: true, filter: (path) => !leftOut.has(resolve(path)) && packable(dir, path) });

  const doc = parseDocument(readFileSync(exercise.file, 'utf8'));
  for (const [name, source] of Object.entries(spec.traces)) {
    if (student && hidden.has(name)) {
      // Withheld: a file the pack does not ship (for a generated trace, not its seed either).
      const file = 'file' in source && isInside(dir, source.file) ? source.file : `hidden/${name}.${spec.kind === 'api' ? 'json' : 'trace'}`;
      doc.setIn(['traces', name], doc.createNode({ file }, { flow: true }));
      continue;
    }
    if (!('file' in source) || isInside(dir, source.file)) continue;
    const copy = `traces/${basename(source.file)}`;
    mkdirSync(join(dest, 'traces'), { recursive: true });
    copyFileSync(join(dir, source.file), join(dest, copy));
    doc.setIn(['traces', name], doc.createNode({ file: copy }, { flow: true }));
  }
  writeFileSync(join(dest, 'exercise.yaml'), doc.toString());
  removeEmptyFolders(dest);

  if (withoutReference) {
    const kept = (name: string) => !student || !hidden.has(name);
    const scored = spec.tests.some((t) => t.kind === 'performance' && t.traces.every(kept));
    const work = scored ? await measureReference(dir) : {};
    const shipped = Object.fromEntries(Object.entries(work).filter(([name]) => kept(name)));
    writeFileSync(join(dest, REFERENCE_WORK), `${JSON.stringify(shipped, null, 2)}\n`);
  }
  loadExercise(dest); // the pack must load as it is
  return { id: spec.id, dir: dest, withheld: student ? [...hidden] : [], referenceWork: withoutReference };
}

/**
 * Whether `path` (under the exercise folder `dir`) may be copied into a pack: a regular file or a
 * folder, a link only to one inside the pack holding `dir`. Throws ExerciseError for a link that
 * leads outside it or anything else (a FIFO, a socket, a device), naming the path.
 */
function packable(dir: string, path: string): boolean {
  const link = lstatSync(path);
  const real = link.isSymbolicLink() ? realpathOrNull(path) : path;
  if (real === null) throw new ExerciseError(`${path}: a link to nothing: remove it before packing`);
  if (link.isSymbolicLink()) {
    const rel = relative(realpathSync(dirname(dir)), real);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new ExerciseError(`${path}: a link to outside the exercise's pack: copy the file in, or remove the link`);
  }
  const stat = statSync(real);
  if (!stat.isFile() && !stat.isDirectory()) throw new ExerciseError(`${path}: not a regular file or folder (a FIFO, socket or device cannot be packed)`);
  return true;
}

/** The path `path` leads to, or null for a dangling link. */
function realpathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** Removes the folders under `dir` that the pack left empty (a student pack's hidden/). */
function removeEmptyFolders(dir: string): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (!statSync(path).isDirectory()) continue;
    removeEmptyFolders(path);
    if (readdirSync(path).length === 0) rmdirSync(path);
  }
}

/** Whether `path` (relative to `dir`) stays inside `dir`. */
function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, resolve(dir, path));
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && dirname(rel) !== '..';
}
