// A Gradescope autograder zip for one exercise, as Gradescope takes it: setup.sh and run_autograder
// at the top (executable), the lab as an npm tarball with its dependencies inside (installed with no
// network), and a grading pack of the exercise in pack/<id>/: every test and hidden trace, and the
// reference's work (reference-work.json) in place of the reference. Written through a temporary file.
import { createWriteStream, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { LAB_ROOT } from '../sandbox/ProcessPool';
import { loadExercise } from './exercise';
import { packLab, type StagedPackage } from './labTarball';
import { writePack } from './pack';
import { runScript, setupScript } from './gradescopeScripts';

/** The lab tarball's name inside the zip. */
export const TARBALL = 'freenos-lab.tgz';
/** A file name students may be asked to submit: a plain TypeScript file name. */
export const SUBMISSION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.ts$/;

export interface ZipEntry {
  path: string;
  bytes: number;
  /** Unix permission bits (0o755 for the scripts). */
  mode: number;
}

export interface AutograderZip {
  file: string;
  exercise: string;
  /** The file run_autograder looks for first. */
  submission: string;
  entries: ZipEntry[];
  /** The dependencies bundled in the lab tarball. */
  dependencies: StagedPackage[];
}

export interface ZipOptions {
  /** The file students submit (default: the starter's name). Must match SUBMISSION_NAME. */
  file?: string;
  /** The lab to pack (default: this one). */
  labRoot?: string;
  /** Hears each step as it starts (for a progress line). */
  onStep?: (text: string) => void;
}

/** The files under `dir`, as paths relative to it with `/`, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]));
}

/**
 * Writes the autograder zip for the exercise at `exerciseDir` to `out`. Throws ExerciseError for a
 * broken exercise, TarballError when the lab cannot be packed, RangeError for a bad file name.
 */
export async function writeAutograderZip(exerciseDir: string, out: string, options: ZipOptions = {}): Promise<AutograderZip> {
  const { spec } = loadExercise(exerciseDir);
  const submission = options.file ?? basename(spec.starter);
  if (!SUBMISSION_NAME.test(submission) || submission.endsWith('.d.ts')) throw new RangeError(`'${submission}' is not a plain .ts file name (letters, digits, . _ -)`);
  const step = options.onStep ?? (() => {});
  const scratch = mkdtempSync(join(tmpdir(), 'freenos-lab-gradescope-'));
  try {
    step(`making the grading pack of ${spec.id} (the reference's work measured in place of the reference)`);
    const [packed] = await writePack([exerciseDir], join(scratch, 'pack'), { student: false, grading: true });
    step('packing the lab and its dependencies for linux-x64 (npm pack)');
    const tarball = await packLab(options.labRoot ?? LAB_ROOT, scratch);

    step(`writing ${out}`);
    const zip = new yazl.ZipFile();
    const entries: ZipEntry[] = [];
    const scripts = { exercise: spec.id, file: submission, tarball: TARBALL };
    for (const [path, text] of [['setup.sh', setupScript(scripts)], ['run_autograder', runScript(scripts)]] as const) {
      const bytes = Buffer.from(text, 'utf8');
      zip.addBuffer(bytes, path, { mode: 0o100755 });
      entries.push({ path, bytes: bytes.length, mode: 0o755 });
    }
    zip.addFile(tarball.file, TARBALL, { compress: false, mode: 0o100644 }); // gzip already
    entries.push({ path: TARBALL, bytes: statSync(tarball.file).size, mode: 0o644 });
    for (const path of filesUnder(packed!.dir)) {
      const file = join(packed!.dir, ...path.split('/'));
      zip.addFile(file, `pack/${spec.id}/${path}`, { mode: 0o100644 });
      entries.push({ path: `pack/${spec.id}/${path}`, bytes: statSync(file).size, mode: 0o644 });
    }
    zip.end();
    const partial = `${out}.${process.pid}.tmp`;
    try {
      await pipeline(zip.outputStream, createWriteStream(partial));
      renameSync(partial, out);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    return { file: out, exercise: spec.id, submission, entries, dependencies: tarball.dependencies };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
