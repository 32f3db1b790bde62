// The student's workspace folder: one subfolder per exercise holding submission.ts (a plain file
// the student may also open in another editor), submission.ts.prev (the version before the last
// save) and history.jsonl (one graded attempt per line, appended, never rewritten), and the lab's
// settings file (.lab-settings.json: the packs the student opened). Saves are atomic: a temp file
// in the same folder is written and fsynced, the current file is kept as .prev, then the temp file
// is renamed over it, so a crash or kill at any moment leaves one complete version on disk.
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readFile, readdir, rename, stat, unlink, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Attempt } from '../../contract';

export const SUBMISSION = 'submission.ts';
export const PREVIOUS = `${SUBMISSION}.prev`;
export const HISTORY = 'history.jsonl';
export const SETTINGS = '.lab-settings.json';

/** Temp files older than this are leftovers of a killed save (a live save takes milliseconds). */
const STALE_TEMP_MS = 60_000;

export interface Settings {
  /** Absolute folders of the exercise packs the student opened, in opening order. */
  packs: string[];
}

/** SHA-256 of a text (UTF-8), hex. */
export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const missing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** The file's text, or null when it does not exist (other errors are thrown). */
export async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (missing(error)) return null;
    throw error;
  }
}

/** fsync of a folder, so a rename in it is durable; a no-op where folders cannot be opened (Windows). */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // EISDIR / EPERM on Windows, EINVAL on some file systems: the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Writes `text` to a new temp file next to `path`, fsynced; returns the temp file's path. */
async function writeTemp(path: string, text: string | Buffer): Promise<string> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/** Removes temp files a killed save left in `dir` (only old ones: another process may be saving). */
async function removeStaleTemps(dir: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith('.tmp') || !name.startsWith(SUBMISSION)) continue;
    const info = await stat(join(dir, name)).catch(() => null);
    if (info && now - info.mtimeMs > STALE_TEMP_MS) await unlink(join(dir, name)).catch(() => undefined);
  }
}

/**
 * Saves `source` as `<dir>/submission.ts` atomically, keeping the file it replaces as .prev (a hard
 * link; a copy where links are not possible). Returns the time saved. When the file already holds
 * exactly `source` nothing is written (so .prev keeps the real previous version) and its time is
 * returned. Assumes saves of one folder are not run concurrently (the host serializes them).
 */
export async function saveAtomically(dir: string, source: string): Promise<{ savedAt: string; bytes: number; path: string }> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, SUBMISSION);
  const bytes = Buffer.byteLength(source, 'utf8');
  if ((await readIfPresent(path)) === source) return { savedAt: (await stat(path)).mtime.toISOString(), bytes, path };
  await removeStaleTemps(dir);
  const temp = await writeTemp(path, source);
  try {
    await keepPrevious(path);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(dir);
  return { savedAt: (await stat(path)).mtime.toISOString(), bytes, path };
}

/** Makes `<path>.prev` the current `path` (atomically replacing the old .prev); nothing when `path` is missing. */
async function keepPrevious(path: string): Promise<void> {
  const previous = `${path}.prev`;
  const temp = `${previous}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await link(path, temp);
  } catch (error) {
    if (missing(error)) return;
    // No hard links here (FAT, some network shares): a copy, synced, does the same.
    try {
      await copyFile(path, temp);
    } catch (copyError) {
      if (missing(copyError)) return;
      throw copyError;
    }
    const handle = await open(temp, 'r+');
    await handle.sync().finally(() => handle.close());
  }
  await rename(temp, previous);
}

/** The saved file: its text and time, or null when there is none. */
export async function loadSaved(dir: string): Promise<{ source: string; savedAt: string } | null> {
  const path = join(dir, SUBMISSION);
  const source = await readIfPresent(path);
  if (source === null) return null;
  return { source, savedAt: (await stat(path)).mtime.toISOString() };
}

/** Whether the folder keeps a previous version. */
export async function hasPrevious(dir: string): Promise<boolean> {
  return stat(join(dir, PREVIOUS)).then(() => true, () => false);
}

/**
 * Appends one attempt as a JSON line with O_APPEND and fsyncs it. A torn last line (a crash during
 * an earlier append) is closed with a newline first, so it never swallows this one.
 */
export async function appendAttempt(dir: string, attempt: Attempt): Promise<void> {
  await mkdir(dir, { recursive: true });
  const handle = await open(join(dir, HISTORY), 'a+', 0o644);
  try {
    const { size } = await handle.stat();
    let torn = false;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      torn = last[0] !== 0x0a;
    }
    await handle.write(`${torn ? '\n' : ''}${JSON.stringify(attempt)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The attempts in the order made; lines that are not a whole attempt (a torn last line) are skipped. */
export async function readHistory(dir: string): Promise<Attempt[]> {
  const text = await readIfPresent(join(dir, HISTORY));
  if (text === null) return [];
  const attempts: Attempt[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as Attempt;
      if (isAttempt(value)) attempts.push(value);
    } catch {
      // A torn line: the attempt was never completely written.
    }
  }
  return attempts;
}

function isAttempt(v: unknown): v is Attempt {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  const numbers = ['score', 'maxScore', 'passed', 'tests'].every((k) => typeof a[k] === 'number');
  return numbers && typeof a.at === 'string' && typeof a.hash === 'string';
}

/** The workspace's settings; defaults when the file is missing or unreadable. */
export async function readSettings(workspace: string): Promise<Settings> {
  const text = await readIfPresent(join(workspace, SETTINGS)).catch(() => null);
  try {
    const data = JSON.parse(text ?? '{}') as Partial<Settings>;
    return { packs: Array.isArray(data.packs) ? data.packs.filter((p): p is string => typeof p === 'string') : [] };
  } catch {
    return { packs: [] };
  }
}

/** Writes the settings atomically (temp file, fsync, rename). */
export async function writeSettings(workspace: string, settings: Settings): Promise<void> {
  await mkdir(workspace, { recursive: true });
  const path = join(workspace, SETTINGS);
  const temp = await writeTemp(path, `${JSON.stringify(settings, null, 2)}\n`);
  await rename(temp, path);
  await syncFolder(workspace);
}
