// ESLint: TypeScript's recommended rules plus the project's layering rule. Each folder has one
// runtime and may import only what architecture.md allows; a forbidden import is a lint error.
import fs from 'node:fs';
import path from 'node:path';
import tseslint from 'typescript-eslint';

const root = path.dirname(new URL(import.meta.url).pathname);

/** Why a module may not be imported from engine/, or null when it may. */
function engineImportProblem(specifier, file) {
  if (specifier.startsWith('node:')) return `'${specifier}' is a Node module`;
  if (!specifier.startsWith('.')) return `'${specifier}' is a package; the engine imports nothing outside engine/`;
  const target = path.resolve(path.dirname(file), specifier);
  const engine = path.join(root, 'engine');
  if (target !== engine && !target.startsWith(engine + path.sep)) return `'${specifier}' is outside engine/`;
  return null;
}

/** The packages renderer/src may import (architecture.md: the contract's types, its own files). */
const rendererPackages = ['vue', 'pinia', 'monaco-editor', 'chart.js', 'vue-chartjs', 'markdown-it'];

/** The engine folders renderer/src may import through their index: pure text helpers that import nothing. */
const rendererEngineFolders = ['engine/format'];
const rendererEngineEntries = rendererEngineFolders.map((folder) => path.join(root, folder));

/** Why a module may not be imported from renderer/src/, or null when it may. */
function rendererImportProblem(specifier, file) {
  const bare = specifier.split('?')[0];
  if (bare.startsWith('node:')) return `'${specifier}' is a Node module`;
  if (!bare.startsWith('.')) {
    const name = bare.split('/').slice(0, bare.startsWith('@') ? 2 : 1).join('/');
    return rendererPackages.includes(name) ? null : `'${specifier}' is not one of ${rendererPackages.join(', ')}`;
  }
  const target = path.resolve(path.dirname(file), bare);
  const contract = path.join(root, 'electron', 'contract');
  if (target === contract || target === `${contract}.ts`) return null;
  if (rendererEngineEntries.some((entry) => [entry, path.join(entry, 'index'), path.join(entry, 'index.ts')].includes(target))) return null;
  const renderer = path.join(root, 'renderer');
  // The demo mode (renderer/src/demo/, `?fake`) runs the pure engine in the page; nothing else in the renderer may.
  if (target.startsWith(path.join(root, 'engine') + path.sep) && file.startsWith(path.join(renderer, 'src', 'demo') + path.sep)) return null;
  if (!target.startsWith(renderer + path.sep)) return `'${specifier}' is outside renderer/ (of electron/ only contract.ts, of engine/ only ${rendererEngineFolders.join(', ')})`;
  return null;
}

/** Why an engine module may not be imported from electron/, or null: only engine/index.ts and each engine folder's index.ts are entries. */
function electronImportProblem(specifier, file) {
  if (!specifier.startsWith('.')) return null;
  const engine = path.join(root, 'engine');
  const target = path.resolve(path.dirname(file), specifier).replace(/[\\/]index(\.ts)?$/, '');
  if (!target.startsWith(engine + path.sep)) return null;
  if (path.dirname(target) === engine && !/\.ts$/.test(target) && fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) return null;
  return `'${specifier}' is not an entry (engine/index.ts or engine/<folder>/index.ts)`;
}

/**
 * lab/layering: engine/ is pure TypeScript and imports only engine/ files; renderer/src/ imports
 * only its own files, electron/contract.ts, engine/format's index and its UI packages, and
 * renderer/src/demo/ also engine/ (.vue scripts: tests/renderer/layering.test.ts); electron/ imports
 * the engine only through engine/index.ts and the index.ts of each engine folder (tests may import internals).
 */
const layering = {
  meta: {
    type: 'problem', schema: [],
    messages: {
      forbidden: 'engine/ must stay pure TypeScript: {{why}}.',
      renderer: 'renderer/ talks to the host only through electron/contract.ts: {{why}}.',
      entry: 'electron/ imports the engine only through its entries: {{why}}.',
    },
  },
  create(context) {
    const file = context.filename;
    const inEngine = file.startsWith(path.join(root, 'engine') + path.sep);
    const inRenderer = file.startsWith(path.join(root, 'renderer', 'src') + path.sep);
    const inElectron = file.startsWith(path.join(root, 'electron') + path.sep);
    if (!inEngine && !inRenderer && !inElectron) return {};
    const messageId = inEngine ? 'forbidden' : inRenderer ? 'renderer' : 'entry';
    const problem = inEngine ? engineImportProblem : inRenderer ? rendererImportProblem : electronImportProblem;
    const check = (node) => {
      if (!node.source || typeof node.source.value !== 'string') return;
      const why = problem(node.source.value, file);
      if (why) context.report({ node: node.source, messageId, data: { why } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
      CallExpression(node) {
        if (!inElectron && node.callee.type === 'Identifier' && node.callee.name === 'require') {
          context.report({ node, messageId, data: { why: 'require() is Node-only' } });
        }
      },
    };
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.ci/out/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { lab: { rules: { layering } } },
    rules: {
      'lab/layering': 'error',
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error',
        ...['process', 'require', 'Buffer', 'window', 'document', 'globalThis', 'console', 'setTimeout', 'setInterval']
          .map((name) => ({ name, message: `engine/ is pure and deterministic: no '${name}'.` })),
      ],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'engine/ is deterministic: take a seed instead.' },
        { object: 'Date', property: 'now', message: 'engine/ is deterministic: no wall clock.' },
      ],
    },
  },
  {
    // Only electron/main/ (the thin Electron glue) may import Electron: the host, the web mode, the
    // command line and the contract run without it.
    files: ['electron/**/*.ts'],
    ignores: ['electron/main/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'only electron/main/ may import Electron; the host is plain Node.' }] }],
    },
  },
  {
    // The renderer is browser code; the preload's global is read in bridge.ts only.
    files: ['renderer/src/**/*.ts'],
    ignores: ['renderer/src/bridge.ts'],
    rules: {
      'no-restricted-globals': ['error',
        ...['process', 'require', 'Buffer', '__dirname']
          .map((name) => ({ name, message: `renderer/ is browser code: no '${name}'.` })),
      ],
      'no-restricted-properties': ['error',
        { object: 'window', property: 'lab', message: 'read window.lab only in renderer/src/bridge.ts.' },
      ],
    },
  },
);
