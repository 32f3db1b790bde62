// The texts a similarity check compares: a submissions folder read as grade-batch reads it (one
// student per .ts file and per subfolder: findSubmissions), each file at most MAX_SUBMISSION_BYTES.
// A student whose file is missing, ambiguous, too large, unreadable or empty is left out, with why.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { MAX_SUBMISSION_BYTES, findSubmissions } from '../grader/batch';
import type { Source } from './similarity';

/** A student the check could not include, and why. */
export interface LeftOut {
  student: string;
  reason: string;
}

export interface Collected {
  /** The students found in the folder (compared or not). */
  found: number;
  /** The readable submissions, in student order. */
  sources: Source[];
  leftOut: LeftOut[];
}

const code = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/**
 * Reads every student's submission in `folder` (`starterBaseName`: the file a subfolder's student
 * is graded on when it has several; `ignore`: paths to skip, such as the output folder). Throws
 * BatchError when the folder cannot be listed.
 */
export function collectSources(folder: string, starterBaseName: string, ignore: string[] = []): Collected {
  const submissions = findSubmissions(folder, starterBaseName, ignore);
  const sources: Source[] = [];
  const leftOut: LeftOut[] = [];
  for (const { student, file, problem } of submissions) {
    if (file === null) {
      leftOut.push({ student, reason: problem ?? 'no submission' });
      continue;
    }
    try {
      if (statSync(file).size > MAX_SUBMISSION_BYTES) {
        leftOut.push({ student, reason: `${basename(file)} is larger than ${MAX_SUBMISSION_BYTES / 1024} KiB` });
        continue;
      }
      const text = readFileSync(file, 'utf8');
      if (text.trim() === '') leftOut.push({ student, reason: `${basename(file)} is empty` });
      else sources.push({ student, file, text });
    } catch (error) {
      leftOut.push({ student, reason: `cannot read ${basename(file)} (${code(error)})` });
    }
  }
  return { found: submissions.length, sources, leftOut };
}
