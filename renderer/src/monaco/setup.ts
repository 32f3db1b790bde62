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

/** Whether Tab moves focus instead of indenting (Ctrl+M, Ctrl+Shift+M on a Mac), kept across exercises. */
let tabMovesFocus = false;
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
/** The key that toggles it, as Monaco binds its own "Toggle Tab Key Moves Focus". */
export const TAB_FOCUS_KEY = isMac ? 'Ctrl+Shift+M' : 'Ctrl+M';

/**
 * What Tab does in the editor now: 'indent' (the default), 'leave' (Escape was just pressed: the
 * next Tab or Shift+Tab leaves the editor, any other key cancels) or 'moves-focus' (Ctrl+M is on).
 */
export type TabMode = 'indent' | 'leave' | 'moves-focus';

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
  /** Hears what Tab does whenever it changes (and once at the start). */
  onTabMode?(mode: TabMode): void;
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
    // 13 px (18 px lines) and a narrow gutter: about 30 lines and 95 columns at 1400x900.
    fontSize: 13,
    lineNumbersMinChars: 3,
    glyphMargin: false,
    tabSize: 2,
    fixedOverflowWidgets: true,
    stickyScroll: { enabled: false },
    // Long lines (the starters' comments) wrap at the editor's width instead of running off it.
    wordWrap: 'on',
    wrappingIndent: 'indent',
    tabFocusMode: tabMovesFocus,
    ariaLabel: `Your code (TypeScript). Escape then Tab leaves the editor; ${TAB_FOCUS_KEY} makes Tab move focus.`,
  });
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => options.onSave());
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => options.onRun());

  // The ways out with the keyboard. Ctrl+M (Monaco's own key for it) toggles Tab-moves-focus,
  // here as the editor's tabFocusMode option so its state can be shown. Escape (which still closes
  // a suggestion or the find widget, and still reaches the window to stop a run) arms a one-time
  // way out: the next Tab or Shift+Tab moves focus; any other key, or leaving, disarms it.
  let leaving = false;
  const tabMode = (): TabMode => (tabMovesFocus ? 'moves-focus' : leaving ? 'leave' : 'indent');
  const applyTabMode = () => {
    editor.updateOptions({ tabFocusMode: tabMovesFocus || leaving });
    options.onTabMode?.(tabMode());
  };
  const disarm = () => {
    if (!leaving) return;
    leaving = false;
    applyTabMode();
  };
  editor.addCommand(isMac ? monaco.KeyMod.WinCtrl | monaco.KeyMod.Shift | monaco.KeyCode.KeyM : monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyM, () => {
    tabMovesFocus = !tabMovesFocus;
    leaving = false;
    applyTabMode();
  });
  const modifiers = [monaco.KeyCode.Shift, monaco.KeyCode.Ctrl, monaco.KeyCode.Alt, monaco.KeyCode.Meta];
  const keys = editor.onKeyDown((e) => {
    if (e.keyCode === monaco.KeyCode.Escape && !e.ctrlKey && !e.altKey && !e.metaKey) {
      if (!tabMovesFocus && !leaving) {
        leaving = true;
        applyTabMode();
      }
    } else if (e.keyCode !== monaco.KeyCode.Tab && !modifiers.includes(e.keyCode)) disarm();
  });
  const blur = editor.onDidBlurEditorText(disarm);
  const click = editor.onMouseDown(disarm);
  options.onTabMode?.(tabMode());
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
      keys.dispose();
      blur.dispose();
      click.dispose();
      change.dispose();
      editor.dispose();
      model.dispose();
    },
    ready,
  };
}
