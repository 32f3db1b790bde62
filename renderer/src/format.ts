// Small formatting helpers shared by the views: times, scores, run targets.
import type { RunTarget } from '../../electron/contract';

/** '12:03:04' in the student's local time, from an ISO time. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** '6 / 10' or '— / 10' when not graded yet. */
export function scoreText(best: number | null, max: number): string {
  return `${best === null ? '—' : round(best)} / ${round(max)}`;
}

export function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** The select's value of a target ('test:small', 'trace:peak'), and back. */
export function targetKey(target: RunTarget): string {
  return 'grade' in target ? 'grade' : 'test' in target ? `test:${target.test}` : `trace:${target.trace}`;
}
export function targetOf(key: string): RunTarget {
  if (key.startsWith('test:')) return { test: key.slice(5) };
  if (key.startsWith('trace:')) return { trace: key.slice(6) };
  return { grade: true };
}

/** Starts a download of a text file (Export submission) through a Blob link. */
export function downloadText(file: { fileName: string; content: string }): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** 'Jan 1, 2026, 12:03:04' (the student's locale and time zone), from an ISO time. */
export function dateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** The last part of a folder path ('/home/me/packs/os-extra/' → 'os-extra'; Windows paths too). */
export function baseName(folder: string): string {
  const parts = folder.split(/[\\/]+/).filter(Boolean);
  return parts[parts.length - 1] ?? folder;
}
