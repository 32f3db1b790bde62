// similarity.html: the ranked pairs and, for each pair shown, the two files side by side with their
// shared fragments highlighted. One self-contained page: inline style, no script, no font, image or
// link that loads anything (its Content-Security-Policy forbids it too). Every student-controlled
// string (names, paths, code) is escaped.
import { relative, resolve, sep } from 'node:path';
import type { Comparison, PairResult, Place, SharedFragment } from './similarity';
import type { LeftOut } from './submissions';
import { splitLines } from './tokens';

export interface ReportInfo {
  /** The submissions folder, as given. */
  folder: string;
  /** The starter file whose code was ignored; null when none was. */
  starter: string | null;
  /** Pairs shown (the rest are in the CSV). */
  top: number;
  minSimilarity: number;
  leftOut: LeftOut[];
}

/** `text` safe in HTML text and in a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A similarity as `93.8 %`. */
export const percent = (x: number): string => `${(Math.round(x * 1000) / 10).toFixed(1)} %`;

/** A place's lines counted from 1: `12–40`, or `12` for one line. */
export const lineSpan = (p: Place): string => (p.startRow === p.endRow ? `${p.startRow + 1}` : `${p.startRow + 1}–${p.endRow + 1}`);

const COLORS = 6;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }
table { border-collapse: collapse; } th, td { padding: .25em .6em; border-bottom: 1px solid #ddd; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: .7em; background: #c0392b; vertical-align: middle; margin-right: .4em; }
section { margin-top: 2.5em; border-top: 2px solid #444; }
.sides { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1em; }
.side pre { max-height: 80vh; overflow: auto; background: #fafafa; border: 1px solid #ddd; padding: .5em; font-size: 12px; margin: 0; }
.ln { display: inline-block; width: 4ch; color: #999; user-select: none; text-align: right; margin-right: 1ch; }
mark { color: inherit; } .f0 { background: #ffe08a; } .f1 { background: #a8e6cf; } .f2 { background: #ffb3c1; }
.f3 { background: #b5d8ff; } .f4 { background: #e0c3fc; } .f5 { background: #ffd6a5; }
.note { color: #555; }`;

/** The lines of `text` as HTML, each numbered, with the fragments' places marked (the first fragment wins where two overlap). */
function codeHtml(text: string, places: Place[], labels: string[]): string {
  const lines = splitLines(text);
  const marks: { from: number; to: number; k: number }[][] = lines.map(() => []);
  places.forEach((p, k) => {
    for (let row = p.startRow; row <= p.endRow && row < lines.length; row++) {
      const from = row === p.startRow ? p.startCol : 0;
      const to = row === p.endRow ? p.endCol : lines[row]!.length;
      if (to > from) marks[row]!.push({ from, to, k });
    }
  });
  const width = String(lines.length).length;
  return lines.map((line, row) => {
    let html = '';
    let at = 0;
    for (const { from, to, k } of marks[row]!.sort((x, y) => x.from - y.from || x.k - y.k)) {
      if (to <= at) continue;
      const start = Math.max(from, at);
      html += escapeHtml(line.slice(at, start));
      html += `<mark class="f${k % COLORS}" title="${escapeHtml(labels[k]!)}">${escapeHtml(line.slice(start, to))}</mark>`;
      at = to;
    }
    html += escapeHtml(line.slice(at));
    return `<span class="ln">${String(row + 1).padStart(width)}</span>${html}`;
  }).join('\n');
}

/** One pair's section: its numbers, its fragments listed, and the two files side by side. */
function pairSection(c: Comparison, pair: PairResult, rank: number, root: string): string {
  const a = c.sources[pair.a]!;
  const b = c.sources[pair.b]!;
  const label = (f: SharedFragment, k: number) =>
    `fragment ${k + 1}: ${f.tokens} tokens, ${a.student} lines ${lineSpan(f.a)}, ${b.student} lines ${lineSpan(f.b)}`;
  const labels = pair.fragments.map(label);
  const side = (student: string, file: string, text: string, places: Place[]) =>
    `<div class="side"><h3>${escapeHtml(student)} <span class="note">${escapeHtml(shortPath(root, file))}</span></h3>`
    + `<pre>${codeHtml(text, places, labels)}</pre></div>`;
  const list = pair.fragments.length === 0 ? '<p class="note">No shared fragment.</p>'
    : `<ol>${pair.fragments.map((f, k) => `<li><mark class="f${k % COLORS}">${escapeHtml(`${f.tokens} tokens`)}</mark> ${escapeHtml(`${a.student} lines ${lineSpan(f.a)} ↔ ${b.student} lines ${lineSpan(f.b)}`)}</li>`).join('')}</ol>`;
  return `<section id="pair-${rank}"><h2>${rank}. ${escapeHtml(a.student)} ↔ ${escapeHtml(b.student)}: ${percent(pair.similarity)}</h2>
<p>Longest shared fragment: ${pair.longest === null ? 'none' : `${pair.longest.tokens} tokens`}. Shared fragments (${pair.fragments.length}):</p>
${list}
<div class="sides">${side(a.student, a.file, a.text, pair.fragments.map((f) => f.a))}${side(b.student, b.file, b.text, pair.fragments.map((f) => f.b))}</div>
</section>`;
}

/** A path relative to the submissions folder, with forward slashes. */
export const shortPath = (root: string, file: string): string => relative(resolve(root), resolve(file)).split(sep).join('/');

/** The whole page for a comparison: the ranked table of the top pairs, then a section per pair. */
export function similarityHtml(c: Comparison, info: ReportInfo): string {
  const shown = c.pairs.slice(0, info.top);
  const rows = shown.map((p, k) => {
    const a = c.sources[p.a]!.student;
    const b = c.sources[p.b]!.student;
    const longest = p.longest === null ? '—' : `${p.longest.tokens} tokens (lines ${lineSpan(p.longest.a)} ↔ ${lineSpan(p.longest.b)})`;
    return `<tr><td class="num">${k + 1}</td><td class="num"><span class="bar" style="width:${Math.round(p.similarity * 80)}px"></span>${percent(p.similarity)}</td>`
      + `<td>${escapeHtml(longest)}</td><td>${escapeHtml(a)}</td><td>${escapeHtml(b)}</td><td><a href="#pair-${k + 1}">side by side</a></td></tr>`;
  }).join('\n');
  const starter = info.starter === null
    ? 'No starter was given: code every student received counts as shared.'
    : `Code that the starter ${escapeHtml(info.starter)} also has (${c.starterFingerprints} fingerprints) is ignored.`;
  const leftOut = info.leftOut.length === 0 ? ''
    : `<h2>Left out (${info.leftOut.length})</h2><ul>${info.leftOut.map((l) => `<li>${escapeHtml(l.student)}: ${escapeHtml(l.reason)}</li>`).join('')}</ul>`;
  const more = c.pairs.length > shown.length ? ` The ${c.pairs.length - shown.length} others are in similarity.csv.` : '';
  const min = info.minSimilarity > 0 ? ` at or above ${percent(info.minSimilarity)}` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>Similarity: ${escapeHtml(info.folder)}</title>
<style>${STYLE}</style></head>
<body>
<h1>Similarity of ${c.sources.length} submissions</h1>
<p>Folder ${escapeHtml(info.folder)}. ${starter} Made by <code>freenos-lab similar</code> on this machine: nothing was sent anywhere.</p>
<p class="note">Similarity: the share of both files' fingerprints (k-grams of ${c.kgramLength} tokens, winnowed over windows of ${c.window}) that the other file has too.
Tokens ignore names, numbers, strings, comments and layout, so renaming does not hide a copy. A high score is a reason to look, not a verdict.</p>
<h2>Most similar pairs</h2>
<p>${shown.length} of the ${c.pairs.length} pairs${min} (${c.compared} compared).${more}</p>
<table><thead><tr><th>#</th><th>similarity</th><th>longest shared fragment</th><th>student</th><th>student</th><th></th></tr></thead>
<tbody>
${rows}
</tbody></table>
${leftOut}
${shown.map((p, k) => pairSection(c, p, k + 1, info.folder)).join('\n')}
</body></html>
`;
}
