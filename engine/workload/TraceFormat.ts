// TraceFormat: reads and writes workload traces as text. Two formats: CS:APP malloc-lab (2002 and
// 2016+ headers, then `a id bytes`, `r id bytes`, `f id`) and the lab's own line format (comments,
// name, alignment, weight, named phases; docs/trace-format.md). Parsing is one pass over the text,
// linear in its length; every problem is a TraceError naming the file, the line and the reason.
// Only syntax and header consistency are checked here: freeing an id never allocated and the like
// are the checker's business at replay time.
import { OpKind, describeOp, type Phase, type Trace } from './Trace';

/** Largest size, heap size or peak a trace may state: 2^53 - 1. */
const MaxNumber = Number.MAX_SAFE_INTEGER;
/** Largest id a trace may use: 2^24 - 1, so a replay's per-id arrays stay small (a million-operation trace needs far fewer). */
const MaxId = 0xffffff;
const DefaultMaxOperations = 5_000_000;
const LabMagic = 'freenos-lab-trace';
const LabVersion = '1';
const MaxAlignment = 4096;
const MaxWeight = 3;
/** A 2002 header's first line is a heap size in the thousands; 4..20 there can only be a bad 2016 weight. */
const MaxMistypedWeight = 20;
/** What the 2002 writer puts on line 1 (the suggested heap size, which every driver ignores). */
const HeapSize2002 = 20_000_000;
/** Error messages quote at most this many characters of a token. */
const MaxQuoted = 40;
const HeaderFields = ['heap size or weight', 'id count', 'operation count', 'weight or peak live bytes'];

export class TraceError extends Error {
  /** `line` is 1-based, or 0 when the problem is not tied to one line. */
  constructor(readonly file: string, readonly line: number, readonly reason: string) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.name = 'TraceError';
  }
}

export interface ParseTraceOptions {
  /** 'auto' (default): the lab format when the first line not blank or a comment starts with `freenos-lab-trace`. */
  format?: 'auto' | 'malloc-lab' | 'lab';
  /** Most operations accepted (default 5,000,000); more is a TraceError. */
  maxOperations?: number;
}

/**
 * Parses a malloc-lab or lab-format trace; `file` is used for the name and for error messages.
 * Returns a Trace with trimmed arrays; throws TraceError (and nothing else) on any problem.
 */
export function parseTrace(text: string, file: string, options: ParseTraceOptions = {}): Trace {
  const fileName = String(file);
  const format = options.format ?? 'auto';
  const maxOperations = options.maxOperations ?? DefaultMaxOperations;
  if (typeof text !== 'string') throw new TraceError(fileName, 0, 'the trace is not text');
  if (!Number.isSafeInteger(maxOperations) || maxOperations < 0) {
    throw new TraceError(fileName, 0, `maxOperations must be a non-negative integer, got ${String(maxOperations)}`);
  }
  if (format !== 'auto' && format !== 'malloc-lab' && format !== 'lab') {
    throw new TraceError(fileName, 0, `unknown format '${quote(String(format))}' (expected auto, malloc-lab or lab)`);
  }
  // A UTF-8 byte-order mark (read as text, or as the three latin1 characters of its bytes) is not part of the header.
  const parser = new Parser(text.replace(/^(\uFEFF|\u00EF\u00BB\u00BF)/, ''), fileName, maxOperations);
  const lab = format === 'lab' || (format === 'auto' && parser.looksLikeLab());
  return lab ? parser.lab() : parser.mallocLab();
}

/**
 * The trace in malloc-lab syntax with LF line endings. 2002: heap size 20000000 on line 1, weight 1
 * on line 4. 2016: weight (1 when null) on line 1, statedPeak (or peakLivePayload) on line 4.
 * Throws TraceError when the text could not read back as this trace: a bad op, ids not ending at
 * ids-1, a 2016 peak of 0 or 1 (reads back as 2002). Phases, and sizes given to frees, are not written.
 */
export function writeMallocLabTrace(trace: Trace, variant: '2002' | '2016'): string {
  checkWritable(trace);
  let header: number[];
  if (variant === '2016') {
    const weight = trace.weight ?? 1;
    checkWeight(trace, weight);
    const peak = trace.statedPeak ?? peakLivePayload(trace);
    if (!Number.isSafeInteger(peak) || peak < 0) unwritable(trace, `peak ${peak} is not an integer from 0 to 2^53-1`);
    if (peak <= 1) unwritable(trace, `a 2016 header cannot state a peak of ${plural(peak, 'byte')}: it reads back as 2002 (see docs/trace-format.md)`);
    header = [weight, trace.ids, trace.length, peak];
  } else if (variant === '2002') {
    header = [HeapSize2002, trace.ids, trace.length, 1];
  } else {
    unwritable(trace, `unknown malloc-lab variant '${quote(String(variant))}' (expected 2002 or 2016)`);
  }
  const out = header.map(String);
  for (let k = 0; k < trace.length; k++) out.push(describeOp(trace, k));
  return out.join('\n') + '\n';
}

/**
 * The trace in the lab format with LF line endings: name, alignment, weight (when not null), then
 * the operations with a `phase` line where each phase starts. Throws TraceError when the trace
 * cannot be written exactly (a name with spaces or '#', phases not back to back up to the end).
 */
export function writeLabTrace(trace: Trace): string {
  checkWritable(trace);
  const out = [`${LabMagic} ${LabVersion}`];
  if (!isWord(trace.name)) unwritable(trace, `name '${quote(trace.name)}' is not one word without '#'`);
  out.push(`name ${trace.name}`);
  if (!isAlignment(trace.alignment)) unwritable(trace, `alignment ${trace.alignment} is not a power of two from 1 to ${MaxAlignment}`);
  out.push(`alignment ${trace.alignment}`);
  if (trace.weight !== null) {
    checkWeight(trace, trace.weight);
    out.push(`weight ${trace.weight}`);
  }
  const phases = trace.phases;
  phases.forEach((phase, i) => {
    if (!isWord(phase.name)) unwritable(trace, `phase name '${quote(phase.name)}' is not one word without '#'`);
    const next = i + 1 < phases.length ? phases[i + 1]!.start : trace.length;
    if (!Number.isInteger(phase.start) || phase.start < 0 || phase.start > phase.end || phase.end !== next) {
      unwritable(trace, `phase '${quote(phase.name)}' [${phase.start}, ${phase.end}) does not end where the next phase `
        + 'starts (or at the end): lab-format phases run back to back');
    }
  });
  let p = 0;
  for (let k = 0; k <= trace.length; k++) {
    while (p < phases.length && phases[p]!.start === k) out.push(`phase ${phases[p++]!.name}`);
    if (k < trace.length) out.push(describeOp(trace, k));
  }
  return out.join('\n') + '\n';
}

/**
 * The largest total of live payload bytes at any point of the trace, as malloc-lab 2016 states it
 * on header line 4: `a` and `r` set an id's size (realloc replaces it), `f` drops it, `f -1` does
 * nothing. Tolerates ill-formed traces (freeing a dead id subtracts nothing).
 */
export function peakLivePayload(trace: Trace): number {
  const live = new Map<number, number>();
  let total = 0;
  let peak = 0;
  for (let k = 0; k < trace.length; k++) {
    const id = trace.id[k]!;
    if (id < 0) continue;
    total -= live.get(id) ?? 0;
    if (trace.kind[k] === OpKind.Free) {
      live.delete(id);
    } else {
      const size = trace.size[k]!;
      live.set(id, size);
      total += size;
    }
    if (total > peak) peak = total;
  }
  return peak;
}

// ---------------------------------------------------------------------------------------------
// Reading: lines, tokens, a growing operation buffer, and the parser for both formats.

/** ASCII whitespace as C's isspace sees it, except '\n' which ends lines: space, \t, \r, \v, \f. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d && c !== 0x0a);
}

/** The token for a message, cut to MaxQuoted characters. */
function quote(token: string): string {
  return token.length > MaxQuoted ? `${token.slice(0, MaxQuoted)}...` : token;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** True when token[from..] is one or more ASCII digits. */
function isDigits(token: string, from = 0): boolean {
  if (token.length <= from) return false;
  for (let i = from; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** The value of an all-digit token; Infinity when it has more than 16 significant digits. */
function digitsValue(token: string): number {
  let i = 0;
  while (i < token.length - 1 && token.charCodeAt(i) === 0x30) i++;
  return token.length - i > 16 ? Infinity : Number(token.slice(i));
}

/** The file's base name without directories (/ or \) and without its last extension. */
function baseName(file: string): string {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Up to MaxTokens whitespace-separated tokens of one line; `count` counts them all. */
const MaxTokens = 4;

class Tokens {
  readonly words: string[] = [];
  count = 0;

  /** Splits text[start, end) at whitespace; with `comments`, stops at the first '#'. */
  read(text: string, start: number, end: number, comments: boolean): void {
    this.words.length = 0;
    this.count = 0;
    let i = start;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (comments && c === 0x23) break;
      if (isSpace(c)) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < end) {
        const d = text.charCodeAt(j);
        if (isSpace(d) || (comments && d === 0x23)) break;
        j++;
      }
      if (this.count < MaxTokens) this.words.push(text.slice(i, j));
      this.count++;
      i = j;
    }
  }
}

/** Operations as parallel typed arrays, grown by doubling, trimmed by take(). */
class OpBuffer {
  length = 0;
  kind = new Uint8Array(1024);
  id = new Int32Array(1024);
  size = new Float64Array(1024);
  line = new Uint32Array(1024);

  push(kind: OpKind, id: number, size: number, line: number): void {
    if (this.length === this.kind.length) this.grow();
    const k = this.length++;
    this.kind[k] = kind;
    this.id[k] = id;
    this.size[k] = size;
    this.line[k] = line;
  }

  private grow(): void {
    const capacity = this.kind.length * 2;
    const kind = new Uint8Array(capacity);
    const id = new Int32Array(capacity);
    const size = new Float64Array(capacity);
    const line = new Uint32Array(capacity);
    kind.set(this.kind);
    id.set(this.id);
    size.set(this.size);
    line.set(this.line);
    this.kind = kind;
    this.id = id;
    this.size = size;
    this.line = line;
  }

  /** Copies of the used part of each array. */
  take(): Pick<Trace, 'length' | 'kind' | 'id' | 'size' | 'line'> {
    const n = this.length;
    return { length: n, kind: this.kind.slice(0, n), id: this.id.slice(0, n), size: this.size.slice(0, n), line: this.line.slice(0, n) };
  }
}

class Parser {
  private readonly tokens = new Tokens();
  private readonly ops = new OpBuffer();
  /** Start of the next line, the current line [start, end) and its 1-based number. */
  private next = 0;
  private start = 0;
  private end = 0;
  private lineNumber = 0;
  private maxId = -1;

  constructor(private readonly text: string, private readonly file: string, private readonly maxOperations: number) {
    if (text.charCodeAt(0) === 0xfeff) this.next = 1; // a UTF-8 byte-order mark left by an editor
  }

  private fail(reason: string, line = this.lineNumber): never {
    throw new TraceError(this.file, line, reason);
  }

  /** Moves to the next line that has a token (skipping blank and, with `comments`, comment lines); false at the end. */
  private nextLine(comments: boolean): boolean {
    const text = this.text;
    while (this.next <= text.length) {
      let newline = text.indexOf('\n', this.next);
      if (newline < 0) newline = text.length;
      this.start = this.next;
      this.end = newline;
      this.next = newline + 1;
      this.lineNumber++;
      this.tokens.read(text, this.start, this.end, comments);
      if (this.tokens.count > 0) return true;
    }
    return false;
  }

  /** True when the first line that is not blank or a comment starts with the lab format's magic word; rewinds. */
  looksLikeLab(): boolean {
    const saved = [this.next, this.lineNumber] as const;
    const lab = this.nextLine(true) && this.tokens.words[0] === LabMagic;
    [this.next, this.lineNumber] = saved;
    return lab;
  }

  mallocLab(): Trace {
    const header: number[] = [];
    const headerLines: number[] = [];
    for (let h = 0; h < 4; h++) {
      if (!this.nextLine(false)) this.fail(`the file ends after ${h} of the 4 header lines`, 0);
      const [token] = this.tokens.words as [string];
      const field = `header line ${h + 1} (${HeaderFields[h]})`;
      if (!isDigits(token)) this.fail(`${field} must be a non-negative integer, found '${quote(token)}'`);
      if (this.tokens.count > 1) this.fail(`${field} has an extra '${quote(this.tokens.words[1]!)}'`);
      const value = digitsValue(token);
      if (value > MaxNumber) this.fail(`${field} ${quote(token)} is above 2^53-1`);
      header.push(value);
      headerLines.push(this.lineNumber);
    }
    const [first, ids, count, fourth] = header as [number, number, number, number];
    const [firstLine, idsLine, countLine] = headerLines as [number, number, number];
    if (ids > MaxId + 1) this.fail(`id count ${ids} is above ${MaxId + 1}`, idsLine);
    if (count > this.maxOperations) this.fail(`more than ${this.maxOperations} operations (the header says ${count})`, countLine);
    const is2016 = first <= MaxWeight && fourth > 1;
    if (!is2016 && first <= MaxMistypedWeight && fourth > 1) this.fail(`weight ${first} is above ${MaxWeight}`, firstLine);

    while (this.nextLine(false)) {
      const letter = this.tokens.words[0]!;
      if (letter !== 'a' && letter !== 'r' && letter !== 'f') this.fail(`unknown operation '${quote(letter)}' (expected a, r or f)`);
      this.op(letter, ids, (id) => `id ${id} is not below the header's ${plural(ids, 'id')}`);
    }
    if (this.ops.length !== count) {
      this.fail(`header says ${plural(count, 'operation')}, found ${this.ops.length}`, countLine);
    }
    if (this.maxId !== ids - 1) {
      this.fail(this.maxId < 0 ? `header says ${plural(ids, 'id')} but no id is used`
        : `header says ${plural(ids, 'id')} but the largest id used is ${this.maxId}`, idsLine);
    }
    return this.trace({
      name: baseName(this.file), format: is2016 ? 'malloc-lab-2016' : 'malloc-lab-2002', alignment: is2016 ? 16 : 8,
      weight: is2016 ? first : null, ids, statedPeak: is2016 ? fourth : null, phases: [],
    });
  }

  lab(): Trace {
    if (!this.nextLine(true) || this.tokens.words[0] !== LabMagic) {
      this.fail(`a lab-format trace starts with '${LabMagic} ${LabVersion}'`, this.tokens.count > 0 ? this.lineNumber : 0);
    }
    if (this.tokens.count < 2) this.fail(`'${LabMagic}' needs a version (${LabVersion})`);
    if (this.tokens.words[1] !== LabVersion) {
      this.fail(`unsupported lab trace version '${quote(this.tokens.words[1]!)}' (this lab reads version ${LabVersion})`);
    }
    if (this.tokens.count > 2) this.fail(`unexpected '${quote(this.tokens.words[2]!)}' after '${LabMagic} ${LabVersion}'`);

    let name: string | null = null;
    let alignment = 8;
    let weight: number | null = null;
    const seen = new Map<string, number>();
    const phases: Phase[] = [];
    while (this.nextLine(true)) {
      const word: string = this.tokens.words[0]!;
      if (word === 'a' || word === 'r' || word === 'f') {
        this.op(word, MaxId + 1, (id) => `id ${id} is above ${MaxId}`);
        continue;
      }
      if (word !== 'name' && word !== 'alignment' && word !== 'weight' && word !== 'phase') {
        this.fail(`unknown directive or operation '${quote(word)}' (expected a, r, f, phase, name, alignment or weight)`);
      }
      const argument = this.argument(word);
      if (word === 'phase') {
        if (phases.length > 0) phases[phases.length - 1]!.end = this.ops.length;
        phases.push({ name: argument, start: this.ops.length, end: this.ops.length });
        continue;
      }
      if (this.ops.length > 0) this.fail(`'${word}' must come before the first operation`);
      const first = seen.get(word);
      if (first !== undefined) this.fail(`'${word}' is given twice (first on line ${first})`);
      seen.set(word, this.lineNumber);
      if (word === 'name') {
        name = argument;
      } else if (word === 'alignment') {
        alignment = this.integer(argument, 'alignment');
        if (!isAlignment(alignment)) this.fail(`alignment ${quote(argument)} is not a power of two from 1 to ${MaxAlignment}`);
      } else {
        weight = this.integer(argument, 'weight');
        if (weight > MaxWeight) this.fail(`weight ${quote(argument)} is above ${MaxWeight}`);
      }
    }
    if (phases.length > 0) phases[phases.length - 1]!.end = this.ops.length;
    return this.trace({ name: name ?? baseName(this.file), format: 'lab', alignment, weight, ids: this.maxId + 1, statedPeak: null, phases });
  }

  /** The single argument of a directive. */
  private argument(word: string): string {
    if (this.tokens.count < 2) this.fail(`'${word}' needs ${word === 'name' || word === 'phase' ? 'a name' : 'a number'}`);
    if (this.tokens.count > 2) this.fail(`unexpected '${quote(this.tokens.words[2]!)}' after '${word} ${quote(this.tokens.words[1]!)}'`);
    return this.tokens.words[1]!;
  }

  /** A directive's non-negative integer argument. */
  private integer(token: string, what: string): number {
    if (!isDigits(token)) this.fail(`${what} '${quote(token)}' is not a non-negative integer`);
    return digitsValue(token);
  }

  /** Reads the current line as an operation; ids must be below `idLimit` (`tooBig` says why not). */
  private op(letter: 'a' | 'r' | 'f', idLimit: number, tooBig: (id: string) => string): void {
    const kind = letter === 'a' ? OpKind.Alloc : letter === 'r' ? OpKind.Realloc : OpKind.Free;
    const fields = kind === OpKind.Free ? 2 : 3;
    const { words, count } = this.tokens;
    if (count < fields) {
      this.fail(count === 1 ? `'${letter}' is missing ${kind === OpKind.Free ? 'the id' : 'the id and the size'}`
        : `'${letter} ${quote(words[1]!)}' is missing the size`);
    }
    if (count > fields) {
      this.fail(`unexpected '${quote(words[fields]!)}' after '${words.slice(0, fields).map(quote).join(' ')}'`);
    }
    const idToken = words[1]!;
    let id = -1;
    if (idToken === '-1') {
      if (kind !== OpKind.Free) this.fail(`id -1 (free(NULL)) is only allowed with 'f'`);
    } else if (idToken.charCodeAt(0) === 0x2d && isDigits(idToken, 1)) {
      this.fail(`id '${quote(idToken)}' is negative (only 'f -1' is allowed)`);
    } else if (!isDigits(idToken)) {
      this.fail(`id '${quote(idToken)}' is not an integer`);
    } else {
      id = digitsValue(idToken);
      if (id >= idLimit) this.fail(tooBig(quote(idToken)));
    }
    let size = 0;
    if (kind !== OpKind.Free) {
      const sizeToken = words[2]!;
      if (sizeToken.charCodeAt(0) === 0x2d && isDigits(sizeToken, 1)) this.fail(`size '${quote(sizeToken)}' is negative`);
      if (!isDigits(sizeToken)) this.fail(`size '${quote(sizeToken)}' is not an integer`);
      size = digitsValue(sizeToken);
      if (size > MaxNumber) this.fail(`size ${quote(sizeToken)} is above 2^53-1`);
    }
    if (this.ops.length >= this.maxOperations) this.fail(`more than ${this.maxOperations} operations`);
    if (id > this.maxId) this.maxId = id;
    this.ops.push(kind, id, size, this.lineNumber);
  }

  private trace(fields: Pick<Trace, 'name' | 'format' | 'alignment' | 'weight' | 'ids' | 'statedPeak' | 'phases'>): Trace {
    return { ...fields, file: this.file, ...this.ops.take() };
  }
}

// ---------------------------------------------------------------------------------------------
// Writing.

/** One word of the lab format: not empty, no whitespace, no '#'. */
function isWord(text: string): boolean {
  if (typeof text !== 'string' || text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x23 || isSpace(c)) return false;
  }
  return true;
}

function isAlignment(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MaxAlignment && (n & (n - 1)) === 0;
}

function unwritable(trace: Trace, reason: string): never {
  throw new TraceError(trace.file, 0, `cannot write: ${reason}`);
}

function checkWeight(trace: Trace, weight: number): void {
  if (!Number.isInteger(weight) || weight < 0 || weight > MaxWeight) unwritable(trace, `weight ${weight} is not 0, 1, 2 or 3`);
}

/** Throws unless every operation would read back as itself and the largest id is ids-1. */
function checkWritable(trace: Trace): void {
  let maxId = -1;
  for (let k = 0; k < trace.length; k++) {
    const kind = trace.kind[k]!;
    const id = trace.id[k]!;
    const size = trace.size[k]!;
    const bad = (kind !== OpKind.Alloc && kind !== OpKind.Realloc && kind !== OpKind.Free) || id < -1
      || (id === -1 && kind !== OpKind.Free) || (kind !== OpKind.Free && !(Number.isSafeInteger(size) && size >= 0));
    if (bad) unwritable(trace, `operation ${k} (kind ${kind}, id ${id}, size ${size}) is not a valid a, r or f`);
    if (id > maxId) maxId = id;
  }
  if (maxId !== trace.ids - 1) unwritable(trace, `ids is ${trace.ids} but the largest id used is ${maxId}`);
}

