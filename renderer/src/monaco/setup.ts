// Monaco, slim: the editor core, its standard contributions (find, suggest, hover…), TypeScript
// highlighting and the TypeScript language service; no other language. Workers come from Vite's
// `?worker` imports (MonacoEnvironment.getWorker must be set before the editor starts: without it
// the editor worker fails to load). Loaded lazily by CodeEditor.vue, never in unit tests.
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/typescript/register';
import * as ts from 'monaco-editor/languages/features/typescript/register';
import type { CompileProblem } from '../../../electron/contract';

(self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
  getWorker: (_id: string, label: string) =>
    (label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker()),
};

// Student code runs in a hardened-JavaScript compartment: ES2020 without the DOM; the sandbox gives `console`.
ts.typescriptDefaults.setCompilerOptions({
  strict: true,
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.NodeJs,
  lib: ['es2020'],
  allowNonTsExtensions: true,
  noEmit: true,
});
ts.typescriptDefaults.addExtraLib(
  'interface Console { log(...data: unknown[]): void; error(...data: unknown[]): void; warn(...data: unknown[]): void; info(...data: unknown[]): void }\ndeclare var console: Console;\n',
  'file:///node_modules/@types/lab-globals/index.d.ts',
);

let typings: monaco.IDisposable | null = null;

/** Makes 'freenos-lab' known to completion and diagnostics (replaces the previous exercise's). */
function setTypings(text: string): void {
  typings?.dispose();
  typings = ts.typescriptDefaults.addExtraLib(text, 'file:///node_modules/freenos-lab/index.d.ts');
}

/**
 * Resolves when the TypeScript worker answers for `uri`. getTypeScriptWorker() rejects with
 * "TypeScript not registered!" until the lazily loaded mode is set up: retry every 100 ms (10 s).
 */
async function whenTypeScriptReady(uri: monaco.Uri): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const worker = await (await ts.getTypeScriptWorker())(uri);
      await worker.getSyntacticDiagnostics(uri.toString());
      return;
    } catch (error) {
      if (attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export interface EditorOptions {
  exercise: string;
  value: string;
  typings: string;
  dark: boolean;
  onChange(text: string): void;
  onSave(): void;
  onRun(): void;
}

export interface LabEditor {
  setValue(text: string): void;
  setMarkers(problems: CompileProblem[]): void;
  setDark(dark: boolean): void;
  reveal(line: number, column: number): void;
  focus(): void;
  dispose(): void;
  /** Resolves once TypeScript diagnostics work (the element gets data-ts-ready="true"). */
  ready: Promise<void>;
}

/** Creates the editor in `element` for one exercise's submission. */
export function createLabEditor(element: HTMLElement, options: EditorOptions): LabEditor {
  setTypings(options.typings);
  const uri = monaco.Uri.parse(`file:///exercises/${options.exercise}/submission.ts`);
  monaco.editor.getModel(uri)?.dispose();
  const model = monaco.editor.createModel(options.value, 'typescript', uri);
  const editor = monaco.editor.create(element, {
    model,
    theme: options.dark ? 'vs-dark' : 'vs',
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fontSize: 14,
    tabSize: 2,
    fixedOverflowWidgets: true,
    stickyScroll: { enabled: false },
    ariaLabel: 'Your code (TypeScript)',
  });
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => options.onSave());
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => options.onRun());
  let applying = false;
  const change = model.onDidChangeContent(() => { if (!applying) options.onChange(model.getValue()); });

  const ready = whenTypeScriptReady(uri).then(() => { element.dataset.tsReady = 'true'; });
  ready.catch((error) => console.warn('TypeScript worker not ready:', error));

  return {
    setValue(text) {
      if (text === model.getValue()) return;
      applying = true;
      try { model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null); } finally { applying = false; }
    },
    setMarkers(problems) {
      const lines = model.getLineCount();
      monaco.editor.setModelMarkers(model, 'freenos-lab', problems.map((p) => {
        const line = Math.min(Math.max(1, p.line), lines);
        const column = Math.min(Math.max(1, p.column), model.getLineMaxColumn(line));
        const word = model.getWordAtPosition({ lineNumber: line, column });
        return {
          severity: monaco.MarkerSeverity.Error, message: p.message, source: 'compile',
          startLineNumber: line, startColumn: column,
          endLineNumber: line, endColumn: Math.max(word?.endColumn ?? column + 1, column + 1),
        };
      }));
    },
    setDark: (dark) => monaco.editor.setTheme(dark ? 'vs-dark' : 'vs'),
    reveal(line, column) {
      editor.setPosition({ lineNumber: line, column });
      editor.revealLineInCenter(line);
      editor.focus();
    },
    focus: () => editor.focus(),
    dispose() {
      change.dispose();
      editor.dispose();
      model.dispose();
    },
    ready,
  };
}
