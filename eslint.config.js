// ESLint: TypeScript's recommended rules plus the project's layering rule. Each folder has one
// runtime and may import only what architecture.md allows; a forbidden import is a lint error.
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

/** lab/layering: engine/ is pure TypeScript and imports only engine/ files. */
const layering = {
  meta: { type: 'problem', schema: [], messages: { forbidden: 'engine/ must stay pure TypeScript: {{why}}.' } },
  create(context) {
    const file = context.filename;
    if (!file.startsWith(path.join(root, 'engine') + path.sep)) return {};
    const check = (node) => {
      if (!node.source || typeof node.source.value !== 'string') return;
      const why = engineImportProblem(node.source.value, file);
      if (why) context.report({ node: node.source, messageId: 'forbidden', data: { why } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') {
          context.report({ node, messageId: 'forbidden', data: { why: 'require() is Node-only' } });
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
);
