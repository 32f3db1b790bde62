// The Gradescope autograder zip end to end: built for 07-malloc from the lab's exercises, unzipped
// into a temporary root laid out like /autograder (source/, submission/, results/), setup.sh run
// with Node present (so it skips the apt part) and the npm registry unreachable with an empty npm
// cache (a fetch would fail the install), then run_autograder on the reference (full marks), the
// starter (less) and a submission with no file to grade (score 0, saying what it found).
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { BUILT_IN_PACK } from '../../../electron/host/grader/exercise';
import { writeAutograderZip, type AutograderZip } from '../../../electron/host/grader/gradescope';

const EXERCISE = path.join(BUILT_IN_PACK, '07-malloc');
const run = promisify(execFile);

interface Unzipped {
  path: string;
  mode: number;
}

/** Extracts `zip` into `dir` with each entry's Unix permission bits; the entries read. */
async function unzip(zip: string, dir: string): Promise<Unzipped[]> {
  const file = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(zip, { lazyEntries: true }, (error, opened) => (error ? reject(error) : resolve(opened))));
  const openStream = promisify(file.openReadStream.bind(file));
  const entries: Unzipped[] = [];
  await new Promise<void>((resolve, reject) => {
    file.on('error', reject);
    file.on('end', resolve);
    file.on('entry', (entry: yauzl.Entry) => {
      const mode = (entry.externalFileAttributes >>> 16) & 0o777;
      entries.push({ path: entry.fileName, mode });
      const target = path.join(dir, entry.fileName);
      mkdirSync(path.dirname(target), { recursive: true });
      openStream(entry)
        .then((stream) => pipeline(stream, createWriteStream(target, { mode })))
        .then(() => file.readEntry(), reject);
    });
    file.readEntry();
  });
  return entries;
}

/** The environment of a script: no npm_* variables of the test run, the registry unreachable, an empty cache. */
function scriptEnv(root: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, AUTOGRADER_ROOT: root, npm_config_registry: 'http://127.0.0.1:9/', npm_config_cache: path.join(root, '..', 'empty-npm-cache') };
}

let zip: AutograderZip;
let entries: Unzipped[];
let root: string;
let setup: { stdout: string; stderr: string };

beforeAll(async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'lab-gradescope-'));
  zip = await writeAutograderZip(EXERCISE, path.join(work, 'autograder.zip'));
  root = path.join(work, 'autograder');
  for (const folder of ['source', 'submission', 'results']) mkdirSync(path.join(root, folder), { recursive: true });
  entries = await unzip(zip.file, path.join(root, 'source'));
  setup = await run(path.join(root, 'source', 'setup.sh'), [], { cwd: path.join(root, 'source'), env: scriptEnv(root), maxBuffer: 16 * 1024 * 1024 });
}, 180_000);

/** Puts `files` alone in submission/, runs run_autograder, and returns results.json parsed. */
async function autograde(files: Record<string, string>) {
  const submission = path.join(root, 'submission');
  rmSync(submission, { recursive: true, force: true });
  mkdirSync(submission);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(submission, name), text);
  const { stdout } = await run(path.join(root, 'source', 'run_autograder'), [], { cwd: root, env: scriptEnv(root) });
  return { stdout, results: JSON.parse(readFileSync(path.join(root, 'results', 'results.json'), 'utf8')) };
}

describe('the Gradescope autograder zip for 07-malloc', () => {
  it('holds the two scripts (executable), the lab tarball and the grading pack without reference.ts', () => {
    const modes = Object.fromEntries(entries.map((e) => [e.path, e.mode]));
    expect(modes['setup.sh']).toBe(0o755);
    expect(modes['run_autograder']).toBe(0o755);
    expect(modes['freenos-lab.tgz']).toBe(0o644);
    const pack = entries.map((e) => e.path).filter((p) => p.startsWith('pack/07-malloc/'));
    expect(pack).toContain('pack/07-malloc/exercise.yaml');
    expect(pack).toContain('pack/07-malloc/starter.ts');
    expect(pack.filter((p) => p.startsWith('pack/07-malloc/hidden/')).sort()).toEqual(['plateau', 'random', 'realloc'].map((n) => `pack/07-malloc/hidden/${n}.trace`));
    expect(entries.some((e) => e.path.endsWith('reference.ts'))).toBe(false);
    const work = JSON.parse(readFileSync(path.join(root, 'source', 'pack', '07-malloc', 'reference-work.json'), 'utf8')) as Record<string, number>;
    expect(Object.keys(work)).toHaveLength(11);
    expect(Object.values(work).every((units) => units > 0)).toBe(true);
    expect(zip.dependencies.map((d) => d.name)).toEqual(expect.arrayContaining(['esbuild', '@esbuild/linux-x64', 'ses', 'tsx', 'yaml']));
  });

  it('setup.sh skips installing Node, installs the lab with no network and checks the pack', () => {
    expect(setup.stdout).toMatch(/Node v\d+\.\d+\.\d+ is already installed: skipping the Node 20 installation/);
    expect(setup.stdout).not.toContain('NodeSource');
    expect(setup.stdout).toContain('07-malloc: ok');
    const lab = path.join(root, 'source', 'lab', 'node_modules', 'freenos-memory-lab');
    expect(existsSync(path.join(lab, 'node_modules', '@esbuild', 'linux-x64', 'bin', 'esbuild'))).toBe(true);
    // Every dependency came from inside the tarball: nothing was installed beside the lab.
    expect(readdirSync(path.join(root, 'source', 'lab', 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['freenos-memory-lab']);
  });

  it('gives the reference full marks, with the hidden test after the due date and a leaderboard', async () => {
    const { stdout, results } = await autograde({ 'starter.ts': readFileSync(path.join(EXERCISE, 'reference.ts'), 'utf8') });
    expect(stdout).toContain('07-malloc: starter.ts, score 100 / 100');
    expect(results.score).toBe(100);
    expect(results.tests).toHaveLength(13);
    expect(results.tests.every((t: { status: string; score: number; max_score: number }) => t.status === 'passed' && t.score === t.max_score)).toBe(true);
    const hidden = results.tests.find((t: { name: string }) => t.name === 'hidden-correctness');
    expect(hidden).toMatchObject({ visibility: 'after_due_date', score: 6, max_score: 6 });
    expect(results.leaderboard.map((e: { name: string }) => e.name)).toEqual(['Utilization %', 'Throughput × reference', 'Score']);
    expect(results.leaderboard[2]).toEqual({ name: 'Score', value: 100, order: 'desc' });
  }, 120_000);

  it('gives the starter less, its performance scored below full', async () => {
    const { results } = await autograde({ 'mm.ts': readFileSync(path.join(EXERCISE, 'starter.ts'), 'utf8') });
    expect(results.score).toBeGreaterThan(0);
    expect(results.score).toBeLessThan(100);
    const performance = results.tests.find((t: { name: string }) => t.name === 'performance');
    expect(performance.score).toBeLessThan(50);
    expect(results.leaderboard.find((e: { name: string }) => e.name === 'Score').value).toBe(results.score);
  }, 120_000);

  it('scores 0 a submission with no file to grade, saying what it found and what it expected', async () => {
    const { results } = await autograde({ 'a.ts': 'export {};\n', 'b.ts': 'export {};\n', 'notes.txt': 'hello\n' });
    expect(results.score).toBe(0);
    expect(results.output).toContain('Expected: starter.ts, or exactly one .ts file');
    expect(results.output).toContain('Found in the submission: a.ts, b.ts, notes.txt');
    expect(results.tests).toHaveLength(13);
    expect(results.tests.every((t: { status: string; score: number }) => t.status === 'failed' && t.score === 0)).toBe(true);
  });
});
