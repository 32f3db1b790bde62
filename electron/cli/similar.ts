// `freenos-lab similar <folder>`: ranks the pairs of a class's submissions by similarity (Dolos's
// winnowing, similarity.ts), the starter's code ignored. Prints the top pairs as a table; with --out
// writes similarity.csv and similarity.html. Runs on this machine only. Exit 0 when done, 2 for a
// usage or input error (no submissions, fewer than two readable, a missing starter, a bad option).
import { readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { BatchError, MAX_SUBMISSION_BYTES } from '../host/grader/batch';
import { ExerciseError, findExercise, loadExercise } from '../host/grader/exercise';
import { lineSpan, percent, type ReportInfo } from '../host/similar/html';
import { writeSimilarity } from '../host/similar/output';
import { compareSources, type Comparison } from '../host/similar/similarity';
import { collectSources } from '../host/similar/submissions';
import { UsageError, commandArgs } from './args';

export const similarUsage = `usage: freenos-lab similar <folder> [--exercise ID [--pack DIR] | --starter FILE] [--out DIR] [--top N] [--min-similarity X]

  <folder>             one student per .ts file in it, and one per subfolder (as grade-batch reads it)
  --exercise ID        ignore the code of this exercise's starter (subfolders: the file named like it)
  --pack DIR           the folder of exercises to look in (default: the lab's own exercises)
  --starter FILE       ignore the code of this file instead
  --out DIR            write similarity.csv (every pair) and similarity.html (the top pairs side by side)
  --top N              pairs printed and shown side by side (default 20)
  --min-similarity X   leave out pairs below X, from 0 to 1 (default 0)
Everything runs on this machine: nothing is sent anywhere.
exit: 0 done, 2 usage or input error`;

const DEFAULT_TOP = 20;
const MAX_TOP = 100_000;
const NAME_WIDTH = 24;
const LISTED = 10;

/** Control characters shown as `?` (a name comes from a file name), cut to `width`. */
const printable = (s: string, width = Infinity): string => {
  const text = s.replace(/[\u0000-\u001F\u007F-\u009F]/g, '?');
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
};

/** Reads --top; UsageError unless a whole number from 1 up. */
function readTop(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TOP;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_TOP) throw new UsageError(`--top must be a whole number from 1 to ${MAX_TOP}, not '${value}'`);
  return n;
}

/** Reads --min-similarity; UsageError unless a number from 0 to 1. */
function readMinSimilarity(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(n >= 0 && n <= 1)) throw new UsageError(`--min-similarity must be a number from 0 to 1 (0.4 for 40 %), not '${value}'`);
  return n;
}

/** The starter's path and text; UsageError when it is missing, not a file, too large or unreadable. */
function readStarter(file: string, what: string): string {
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new UsageError(`${what} ${file}: not a file`);
    if (stat.size > MAX_SUBMISSION_BYTES) throw new UsageError(`${what} ${file}: larger than ${MAX_SUBMISSION_BYTES / 1024} KiB`);
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${what} ${file}: no such file` : `${what} ${file}: cannot be read (${code ?? (error as Error).message})`);
  }
}

/** The table of the top pairs: rank, similarity, longest fragment (tokens and lines in each file), the two students. */
export function pairsTable(c: Comparison, top: number): string {
  const rows = c.pairs.slice(0, top).map((p, k) => [
    String(k + 1), percent(p.similarity),
    p.longest === null ? '—' : `${p.longest.tokens} tokens, lines ${lineSpan(p.longest.a)} ↔ ${lineSpan(p.longest.b)}`,
    printable(c.sources[p.a]!.student, NAME_WIDTH), printable(c.sources[p.b]!.student, NAME_WIDTH),
  ]);
  const header = ['#', 'similarity', 'longest shared fragment', 'student', 'student'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => (i < 2 ? cell.padStart(widths[i]!) : i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Runs the similar command; returns the exit code (throws UsageError for exit 2). */
export function similarCommand(args: string[], print: (text: string) => void, warn: (text: string) => void): number {
  const parsed = commandArgs(args, ['exercise', 'pack', 'starter', 'out', 'top', 'min-similarity'], similarUsage);
  if (parsed === null) {
    print(similarUsage);
    return 0;
  }
  const { positional, options } = parsed;
  const [folder, ...extra] = positional;
  if (!folder || extra.length > 0) throw new UsageError(similarUsage);
  const top = readTop(options.get('top'));
  const minSimilarity = readMinSimilarity(options.get('min-similarity'));
  const exerciseName = options.get('exercise');
  if (exerciseName !== undefined && options.has('starter')) throw new UsageError('give --exercise or --starter, not both');
  if (options.has('pack') && exerciseName === undefined) throw new UsageError('--pack needs --exercise');

  let starterFile: string | null = options.get('starter') ?? null;
  try {
    if (exerciseName !== undefined) {
      const exercise = loadExercise(findExercise(exerciseName, options.get('pack')));
      starterFile = join(exercise.dir, exercise.spec.starter);
    }
  } catch (error) {
    if (error instanceof ExerciseError) throw new UsageError(error.message);
    throw error;
  }
  const starter = starterFile === null ? null : readStarter(starterFile, exerciseName === undefined ? '--starter' : 'the starter');
  if (starter === null) warn('no --exercise or --starter: code every student received counts as shared');

  const out = options.has('out') ? resolve(options.get('out')!) : null;
  const ignore = [...(out === null ? [] : [out]), ...(starterFile === null ? [] : [starterFile])];
  let collected;
  try {
    collected = collectSources(folder, starterFile === null ? '' : basename(starterFile), ignore);
  } catch (error) {
    if (error instanceof BatchError) throw new UsageError(error.message);
    throw error;
  }
  const { found, sources, leftOut } = collected;
  if (found === 0) throw new UsageError(`${folder}: no submissions (no .ts files, no subfolders)`);
  const reasons = leftOut.slice(0, LISTED).map((l) => `\n  ${printable(l.student)}: ${printable(l.reason)}`).join('');
  if (sources.length < 2) throw new UsageError(`${folder}: ${sources.length} of ${found} submissions can be read, at least two are needed${reasons}`);

  const began = performance.now();
  const comparison = compareSources(sources, starter, { minSimilarity });
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  const ignored = starterFile === null ? 'no starter ignored' : `starter ${starterFile} ignored (${comparison.starterFingerprints} fingerprints)`;
  print(`compared ${sources.length} submissions (${comparison.compared} pairs) in ${seconds} s; ${ignored}`);
  if (comparison.pairs.length === 0) print(`no pair at or above ${percent(minSimilarity)}`);
  else print(pairsTable(comparison, top));
  if (comparison.pairs.length > top) print(`… and ${comparison.pairs.length - top} more pairs${out === null ? '' : ' (see similarity.csv)'}`);
  if (leftOut.length > 0) print(`left out ${leftOut.length}:${reasons}${leftOut.length > LISTED ? `\n  … and ${leftOut.length - LISTED} more` : ''}`);

  if (out === null) {
    print('(--out DIR writes similarity.csv and similarity.html)');
    return 0;
  }
  const info: ReportInfo = { folder, starter: starterFile, top, minSimilarity, leftOut };
  let written;
  try {
    written = writeSimilarity(out, comparison, info);
  } catch (error) {
    throw new UsageError(`${out}: cannot write the report there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  print(`csv:  ${written.csv}\nhtml: ${written.html}`);
  return 0;
}
