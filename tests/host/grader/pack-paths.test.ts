// Every file a pack names stays inside the pack: a trace at ../../../../etc/passwd, a link that leads
// out, a FIFO or a device is refused by name (without quoting the file), before anything reads it,
// and `exercises pack` copies no link out of the pack. Before: pack copied /etc/passwd into its
// output and kept absolute links, validate quoted the file's lines, /dev/zero as a trace took grade
// to 4 GB, and a FIFO hung pack (and a replay of it, the whole web server).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExerciseError, loadExercise } from '../../../electron/host/grader/exercise';
import { writePack } from '../../../electron/host/grader/pack';

const TINY = path.join(import.meta.dirname, 'fixtures', 'tiny');

/** A pack holding a copy of the tiny exercise whose random trace is the file `file` (as written in exercise.yaml). */
function packWithTrace(file: string): { pack: string; dir: string } {
  const pack = mkdtempSync(path.join(tmpdir(), 'lab-pack-paths-'));
  const dir = path.join(pack, 'tiny');
  cpSync(TINY, dir, { recursive: true });
  const yaml = readFileSync(path.join(dir, 'exercise.yaml'), 'utf8');
  const line = '  random: { generate: randomSizes, options: { seed: 11, ops: 300, live: 24, maxSize: 512 } }';
  expect(yaml).toContain(line);
  writeFileSync(path.join(dir, 'exercise.yaml'), yaml.replace(line, `  random: { file: ${JSON.stringify(file)} }`));
  return { pack, dir };
}

const refusal = (dir: string): string => {
  try {
    loadExercise(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ExerciseError);
    return (error as Error).message;
  }
  throw new Error('the exercise loaded');
};

describe('pack paths', () => {
  it('refuses a trace outside the pack, by a relative path or through a link, without quoting it', () => {
    const climb = packWithTrace('../../../../../../../../etc/passwd');
    expect(refusal(climb.dir)).toBe(`${climb.dir}/exercise.yaml: traces.random.file: ../../../../../../../../etc/passwd is outside the exercise's pack (${climb.pack}): an exercise may only name files of its pack`);
    const linked = packWithTrace('traces/random.rep');
    execFileSync('mkdir', ['-p', path.join(linked.dir, 'traces')]);
    symlinkSync('/etc/passwd', path.join(linked.dir, 'traces', 'random.rep'));
    expect(refusal(linked.dir)).toMatch(/traces\.random\.file: traces\/random\.rep is outside the exercise's pack/);
    expect(refusal(linked.dir)).not.toContain('root');
  });

  it('refuses a FIFO at once (reading it would wait forever) and a file over 64 MiB', () => {
    const fifo = packWithTrace('pipe.rep');
    execFileSync('mkfifo', [path.join(fifo.dir, 'pipe.rep')]);
    expect(refusal(fifo.dir)).toBe(`${fifo.dir}/exercise.yaml: traces.random.file: pipe.rep is not a regular file`);
    const big = packWithTrace('big.rep');
    writeFileSync(path.join(big.dir, 'big.rep'), '');
    truncateSync(path.join(big.dir, 'big.rep'), 65 * 1024 * 1024); // sparse: no disk used
    expect(refusal(big.dir)).toBe(`${big.dir}/exercise.yaml: traces.random.file: big.rep has 68,157,440 bytes: at most 67,108,864`);
  });

  it('still takes traces of its pack outside the exercise folder, and the lab\'s own', () => {
    const shared = packWithTrace('../shared/random.rep');
    execFileSync('mkdir', ['-p', path.join(shared.pack, 'shared')]);
    cpSync(path.join(import.meta.dirname, '../../../exercises/traces/coalescing.trace'), path.join(shared.pack, 'shared', 'random.rep'));
    expect(loadExercise(shared.dir).spec.traces.random).toEqual({ file: '../shared/random.rep' });
  });

  it('packs a link inside the pack as the file it points at, and refuses one that leads out or a FIFO', async () => {
    const { dir } = packWithTrace('traces/random.rep');
    execFileSync('mkdir', ['-p', path.join(dir, 'traces')]);
    cpSync(path.join(import.meta.dirname, '../../../exercises/traces/coalescing.trace'), path.join(dir, 'traces', 'random.rep'));
    symlinkSync('random.rep', path.join(dir, 'traces', 'alias.rep'));
    const out = mkdtempSync(path.join(tmpdir(), 'lab-pack-out-'));
    await writePack([dir], out, { student: false });
    const alias = path.join(out, 'tiny', 'traces', 'alias.rep');
    expect(lstatSync(alias).isSymbolicLink()).toBe(false);
    expect(readFileSync(alias, 'utf8')).toBe(readFileSync(path.join(dir, 'traces', 'random.rep'), 'utf8'));

    symlinkSync('/etc/passwd', path.join(dir, 'passwd'));
    const out2 = mkdtempSync(path.join(tmpdir(), 'lab-pack-out-'));
    await expect(writePack([dir], out2, { student: false })).rejects.toThrow(`${path.join(dir, 'passwd')}: a link to outside the exercise's pack: copy the file in, or remove the link`);
    expect(existsSync(path.join(out2, 'tiny', 'passwd'))).toBe(false);

    execFileSync('rm', [path.join(dir, 'passwd')]);
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    const out3 = mkdtempSync(path.join(tmpdir(), 'lab-pack-out-'));
    await expect(writePack([dir], out3, { student: false })).rejects.toThrow(`${path.join(dir, 'pipe')}: not a regular file or folder (a FIFO, socket or device cannot be packed)`);
  });
});
