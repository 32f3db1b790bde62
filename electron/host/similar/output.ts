// Writing a similarity check's files: similarity.csv (every pair listed, most similar first, cells
// guarded as grades.csv's are) and similarity.html (html.ts). Each file is written whole through a
// temporary name, as the batch's are.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { csvLines, writeFileAtomic } from '../grader/batchOutput';
import { lineSpan, shortPath, similarityHtml, type ReportInfo } from './html';
import type { Comparison } from './similarity';

/**
 * similarity.csv: rank, similarity (0 to 1, 4 decimals), the two students, the longest shared
 * fragment's tokens and lines in each file, the fingerprints each shares and counts (starter's left
 * out), and the two files relative to `root` (the submissions folder).
 */
export function similarityCsv(c: Comparison, root: string): string {
  const header = ['rank', 'similarity', 'student_a', 'student_b', 'longest_tokens', 'longest_lines_a', 'longest_lines_b',
    'shared_a', 'shared_b', 'fingerprints_a', 'fingerprints_b', 'file_a', 'file_b'];
  const rows = c.pairs.map((p, k) => {
    const a = c.sources[p.a]!;
    const b = c.sources[p.b]!;
    return [k + 1, p.similarity.toFixed(4), a.student, b.student, p.longest?.tokens ?? 0,
      p.longest === null ? '' : lineSpan(p.longest.a).replace('–', '-'), p.longest === null ? '' : lineSpan(p.longest.b).replace('–', '-'),
      p.sharedA, p.sharedB, c.stats[p.a]!.fingerprints, c.stats[p.b]!.fingerprints, shortPath(root, a.file), shortPath(root, b.file)];
  });
  return csvLines([header, ...rows]);
}

/** Writes out/similarity.csv and out/similarity.html (creating out); returns their paths. Throws the file system's error. */
export function writeSimilarity(out: string, c: Comparison, info: ReportInfo): { csv: string; html: string } {
  mkdirSync(out, { recursive: true });
  const csv = join(out, 'similarity.csv');
  const html = join(out, 'similarity.html');
  writeFileAtomic(csv, similarityCsv(c, info.folder));
  writeFileAtomic(html, similarityHtml(c, info));
  return { csv, html };
}
