// similarity.csv and similarity.html (electron/host/similar/output.ts, html.ts): every pair in the
// CSV with names that a spreadsheet would run as formulas neutralised, and a self-contained page in
// which student-controlled names, paths and code are escaped and nothing loads from anywhere.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvField } from '../../../electron/host/grader/batchOutput';
import { escapeHtml, similarityHtml, type ReportInfo } from '../../../electron/host/similar/html';
import { similarityCsv, writeSimilarity } from '../../../electron/host/similar/output';
import { compareSources, type Source } from '../../../electron/host/similar/similarity';

const CODE = readFileSync(path.join(import.meta.dirname, 'fixtures', 'class', 'carol.ts'), 'utf8');
const ROOT = '/class';
const HOSTILE = '<script>alert(1)</script>';
/** carol's code with a line that would close the page's <pre> and open a script. */
const TRAP = CODE.replace('const TAG = 4;', `const TAG = 4; // </pre>${HOSTILE}<img src=x onerror=alert(2)>`);

function comparison(names: string[], texts: string[]) {
  const sources: Source[] = names.map((student, k) => ({ student, file: path.join(ROOT, student, 'starter.ts'), text: texts[k]! }));
  return compareSources(sources, null);
}

/** RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  const field = /"((?:[^"]|"")*)"|([^,\r\n]*)/y;
  for (let at = 0; at < text.length;) {
    field.lastIndex = at;
    const m = field.exec(text)!;
    row.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!);
    at = field.lastIndex;
    if (text[at] === ',') at++;
    else if (text.startsWith('\r\n', at)) {
      rows.push(row);
      row = [];
      at += 2;
    } else throw new Error(`not CSV at ${at}`);
  }
  return rows;
}

const info = (leftOut: ReportInfo['leftOut'] = []): ReportInfo => ({ folder: ROOT, starter: null, top: 20, minSimilarity: 0, leftOut });

describe('similarity.csv', () => {
  it('lists every pair, most similar first, with the longest fragment and the files relative to the folder', () => {
    const c = comparison(['alice', 'bob', 'carl'], [CODE, CODE, 'let x = 1;']);
    const own = c.stats[0]!.fingerprints;
    const longest = c.pairs[0]!.longest!;
    const csv = similarityCsv(c, ROOT).split('\r\n');
    expect(csv[0]).toBe('rank,similarity,student_a,student_b,longest_tokens,longest_lines_a,longest_lines_b,shared_a,shared_b,fingerprints_a,fingerprints_b,file_a,file_b');
    expect(csv[1]).toBe(`1,1.0000,alice,bob,${longest.tokens},${longest.a.startRow + 1}-${longest.a.endRow + 1},${longest.b.startRow + 1}-${longest.b.endRow + 1},${own},${own},${own},${own},alice/starter.ts,bob/starter.ts`);
    expect(csv[2]).toBe(`2,0.0000,alice,carl,0,,,0,0,${own},0,alice/starter.ts,carl/starter.ts`);
    expect(csv[3]).toBe(`3,0.0000,bob,carl,0,,,0,0,${own},0,bob/starter.ts,carl/starter.ts`);
    expect(csv).toHaveLength(5); // the last line ends with CRLF too
  });

  it('neutralises names that start like a formula, full-width ones included, and quotes commas and quotes', () => {
    const names = ['=cmd|calc', '+1', '-2', '@SUM(A1)', '\tx', '\ry', '＝1+1', '＋1', '－1', '＠x', 'smith, "jo"'];
    const rows = parseCsv(similarityCsv(comparison(names, names.map(() => CODE)), ROOT));
    expect(rows).toHaveLength(1 + (names.length * (names.length - 1)) / 2);
    const cells = new Set(rows.slice(1).flatMap((row) => [row[2], row[3]]));
    expect([...cells].sort()).toEqual(["'=cmd|calc", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\ry", "'＝1+1", "'＋1", "'－1", "'＠x", 'smith, "jo"'].sort());
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('＝')).toBe("'＝");
    expect(csvField('smith, "jo"')).toBe('"smith, ""jo"""');
  });
});

describe('similarity.html', () => {
  const c = comparison([HOSTILE, 'bob'], [TRAP, TRAP]);
  const html = similarityHtml(c, info([{ student: `${HOSTILE}2`, reason: `several .ts files: ${HOSTILE}.ts` }]));

  it('escapes every student-controlled string: names, paths, reasons and code', () => {
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain(`${escapeHtml(HOSTILE)}/starter.ts`);
    expect(html).toContain(`<li>${escapeHtml(HOSTILE)}2: several .ts files: ${escapeHtml(HOSTILE)}.ts</li>`);
    expect(escapeHtml(`"'&<>`)).toBe('&quot;&#39;&amp;&lt;&gt;');
  });

  it('escapes code before, inside and after the marked fragments of a line', () => {
    // A comment in front of every line: before the mark where a fragment starts, inside it within one, unmarked outside.
    const everyLine = CODE.split('\n').map((line) => `/*${HOSTILE}*/ ${line}`).join('\n');
    const page = similarityHtml(comparison(['a', 'b'], [everyLine, everyLine]), info());
    expect(page).toMatch(/\/\*&lt;script&gt;alert\(1\)&lt;\/script&gt;\*\/ <mark /);
    expect(page).toMatch(/<mark [^>]*>\/\*&lt;script&gt;/);
    expect(page).not.toContain('<script');
  });

  it('is self-contained: no script, no external resource, a policy that forbids loading anything', () => {
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\b(src|href)="(?!#)/);
    expect(html).not.toMatch(/https?:|url\(|@import/);
  });

  it('shows the pair side by side, every line numbered, the shared code marked in both files', () => {
    expect(html).toContain(`<h2>1. ${escapeHtml(HOSTILE)} ↔ bob: 100.0 %</h2>`);
    expect(html).toContain('<a href="#pair-1">side by side</a>');
    const sides = html.split('<div class="side">').slice(1);
    expect(sides).toHaveLength(2);
    const lines = TRAP.split('\n').length;
    for (const side of sides) {
      expect(side.match(/<span class="ln">/g)).toHaveLength(lines);
      expect(side).toMatch(/<mark class="f0" title="fragment 1: \d+ tokens, &lt;script&gt;alert\(1\)&lt;\/script&gt; lines \d+–\d+, bob lines \d+–\d+">/);
    }
    // Comments before the first token are not shared code: the first line stays unmarked.
    expect(sides[0]).toContain('<span class="ln">  1</span>// Carol&#39;s malloc');
  });

  it('shows only the top pairs and says where the others are', () => {
    const three = comparison(['a', 'b', 'c'], [CODE, CODE, CODE]);
    const page = similarityHtml(three, { ...info(), top: 1 });
    expect(page).toContain('1 of the 3 pairs (3 compared). The 2 others are in similarity.csv.');
    expect(page.match(/<section /g)).toHaveLength(1);
  });

  it('is written with the CSV into the out folder', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'lab-similar-')), 'new', 'out');
    const written = writeSimilarity(out, c, info());
    expect(written).toEqual({ csv: path.join(out, 'similarity.csv'), html: path.join(out, 'similarity.html') });
    expect(readFileSync(written.csv, 'utf8')).toBe(similarityCsv(c, ROOT));
    expect(readFileSync(written.html, 'utf8')).toBe(similarityHtml(c, info()));
  });
});
