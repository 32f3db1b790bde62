// instrument: makes esbuild's output of a submission countable and acceptable to SES. It parses the
// script (acorn) and inserts a call of the meter, under a name the script does not use, at the
// start of every function body and every loop body, so one unit is one call or one loop step,
// whatever the machine; a catch or finally block is charged CATCH_UNITS (making and catching an
// error is costly, and a catch that retries at the bottom of the stack must not run uncounted). It also escapes, inside string and regular-expression literals, the texts
// SES refuses in any source (`import(`, `eval(`, `<!--`, `-->`), keeping every value the same, and
// refuses real dynamic imports and direct eval with the position of the offending code.
// Every edit stays on its line; `Edits` maps an output column back to the input's.
import { parse, type Node } from 'acorn';

/** Units a catch or finally block costs on entry (about what V8 spends making and catching an error). */
export const CATCH_UNITS = 1000;

export interface Edit {
  /** Offset in the input where `removed` characters were replaced by `text`. */
  at: number;
  removed: number;
  text: string;
}

/** Column shifts per line (0-based lines of the input), for mapping stack positions back. */
export type LineEdits = Record<number, [column: number, removed: number, inserted: number][]>;

export type Instrumented =
  | { ok: true; code: string; meter: string; globals: string[]; edits: LineEdits }
  | { ok: false; offset: number; message: string };

interface AnyNode extends Node {
  [key: string]: unknown;
}

/**
 * Instruments `code` (a script). `globals` lists the names it reads that `known` holds (the
 * compartment's globals), for the caller to bind as constants. On refusal, the 0-based offset of
 * the code refused and why. A syntax error here is a fault of the compiler's output: it throws.
 */
export function instrument(code: string, known: readonly string[]): Instrumented {
  const program = parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true }) as unknown as AnyNode;
  const names = new Set<string>();
  const edits: (Edit & { rank: number })[] = [];
  let refusal: { offset: number; message: string } | null = null;
  const meterCall = '\u0000();'; // the meter's name is chosen once every identifier is known
  const open = (at: number, text: string, depth: number) => edits.push({ at, removed: 0, text, rank: 2 * depth });
  const close = (at: number, text: string, depth: number) => edits.push({ at, removed: 0, text, rank: -1 - 2 * depth });

  const bodyStart = (body: AnyNode): number => {
    const list = body.body as AnyNode[];
    let k = 0;
    while (k < list.length && typeof list[k]!.directive === 'string') k++;
    return k === 0 ? body.start + 1 : list[k - 1]!.end;
  };
  const meterBody = (body: AnyNode, depth: number, isFunction: boolean): void => {
    if (body.type === 'BlockStatement') open(isFunction ? bodyStart(body) : body.start + 1, meterCall, depth);
    else if (isFunction) {
      open(body.start, `(${meterCall.slice(0, -1)}, `, depth);
      close(body.end, ')', depth);
    } else {
      open(body.start, `{${meterCall}`, depth);
      close(body.end, '}', depth);
    }
  };

  const visit = (node: AnyNode, depth: number): void => {
    switch (node.type) {
      case 'Identifier':
        names.add(node.name as string);
        break;
      case 'ImportExpression':
        refusal ??= { offset: node.start, message: "import() is not available: a submission may import only 'freenos-lab', with an import statement" };
        break;
      case 'CallExpression': {
        const callee = node.callee as AnyNode;
        if (callee.type === 'Identifier' && callee.name === 'eval') refusal ??= { offset: node.start, message: 'eval() is not available in the lab: write the code itself' };
        break;
      }
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        meterBody(node.body as AnyNode, depth, true);
        break;
      case 'TryStatement':
        // Charged at entry: `catch (e) { meter(1000); ... }`, the same for a finally block.
        for (const block of [(node.handler as AnyNode | null)?.body as AnyNode | undefined, node.finalizer as AnyNode | null]) {
          if (block) open(block.start + 1, `\u0000(${CATCH_UNITS});`, depth);
        }
        break;
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
        meterBody(node.body as AnyNode, depth, false);
        break;
      case 'Literal':
        if (typeof node.value === 'string' || node.regex) escapeLiteral(node, edits);
        break;
      case 'TemplateElement':
        escapeLiteral(node, edits);
        break;
      case 'Property':
      case 'MethodDefinition': {
        // A method named eval or import reads to SES like a call (`eval(x) {`): its name becomes a string key.
        const key = node.key as AnyNode;
        const method = node.type === 'MethodDefinition' || node.method === true || node.kind === 'get' || node.kind === 'set';
        if (method && node.computed !== true && key.type === 'Identifier' && (key.name === 'eval' || key.name === 'import')) {
          edits.push({ at: key.start, removed: (key.name as string).length, text: `"${key.name as string}"`, rank: Number.MAX_SAFE_INTEGER } as Edit & { rank: number });
        }
        break;
      }
    }
    for (const key of Object.keys(node)) {
      if (key === 'type' || key === 'start' || key === 'end') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const child of value) if (isNode(child)) visit(child, depth + 1);
      } else if (isNode(value)) visit(value, depth + 1);
    }
  };
  visit(program, 0);
  if (refusal) return { ok: false, ...(refusal as { offset: number; message: string }) };

  let k = 0;
  while (names.has(`__meter${k}`)) k++;
  const meter = `__meter${k}`;
  // Same offset: closing edits first (innermost first), then opening ones (outermost first); replacements as they came.
  const ordered = edits.map((e, i) => ({ ...e, i })).sort((a, b) => a.at - b.at || a.rank - b.rank || a.i - b.i);
  let out = '';
  let from = 0;
  const lineEdits: LineEdits = {};
  let line = 0;
  let lineStart = 0;
  for (const edit of ordered) {
    out += code.slice(from, edit.at);
    for (let p = code.indexOf('\n', from); p >= 0 && p < edit.at; p = code.indexOf('\n', p + 1)) {
      line++;
      lineStart = p + 1;
    }
    const text = edit.text.replace('\u0000', meter);
    (lineEdits[line] ??= []).push([edit.at - lineStart, edit.removed, text.length]);
    out += text;
    from = edit.at + edit.removed;
  }
  out += code.slice(from);
  const globals = known.filter((name) => names.has(name));
  return { ok: true, code: out, meter, globals, edits: lineEdits };
}

/**
 * The input's 0-based column of output column `column` (0-based) on 0-based `line`: inserted text
 * maps to where it was inserted.
 */
export function inputColumn(edits: LineEdits, line: number, column: number): number {
  let shift = 0;
  for (const [at, removed, inserted] of edits[line] ?? []) {
    const outAt = at + shift;
    if (column < outAt) break;
    if (column < outAt + inserted) return at;
    shift += inserted - removed;
  }
  return column - shift;
}

function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Texts SES refuses anywhere in a source, and how each is written in a literal with the same value. */
const REFUSED = /import(\s*(?:\(|\/[/*]))|eval(\s*\()|<!--|-->/g;

/** Rewrites a string, template or regular-expression literal whose raw text holds a refused text. */
function escapeLiteral(node: AnyNode, edits: (Edit & { rank: number })[]): void {
  const raw = node.type === 'TemplateElement' ? (node.value as { raw: string }).raw : (node.raw as string);
  if (!REFUSED.test(raw)) return;
  REFUSED.lastIndex = 0;
  // `\x74` is 't', `\x21` '!' and `\x3e` '>' in a string, a template and a regular expression alike (in a class too).
  const text = raw.replace(REFUSED, (match: string) => {
    if (match === '<!--') return '<\\x21--';
    if (match === '-->') return '--\\x3e';
    const word = match.startsWith('import') ? 'import' : 'eval';
    return `${word.slice(0, -1)}\\x${word.charCodeAt(word.length - 1).toString(16)}${match.slice(word.length)}`;
  });
  // Ranked after any insertion at the same offset (a meter opened where the literal starts).
  edits.push({ at: node.start, removed: raw.length, text, rank: Number.MAX_SAFE_INTEGER } as Edit & { rank: number });
}
