// The layering promise: engine/ is pure TypeScript. Both guards are run for real on an
// in-memory file placed in engine/: the lint rule (eslint.config.js) and the engine's own
// tsconfig (no DOM lib, no Node types). Neither file is written to disk.
import path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const fixture = path.join(root, 'engine', 'kernel', 'LayeringFixture.ts');

async function lint(code: string, file = fixture): Promise<string[]> {
  const [result] = await new ESLint({ cwd: root }).lintText(code, { filePath: file });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

/** Type errors of `code` compiled as an engine file under engine/tsconfig.json. */
function typeErrors(code: string): string[] {
  const configPath = path.join(root, 'engine', 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === fixture ? code : readFile(name));
  host.fileExists = (name) => path.resolve(name) === fixture || ts.sys.fileExists(name);
  host.getSourceFile = (name, language) => (path.resolve(name) === fixture
    ? ts.createSourceFile(name, code, language) : getSourceFile(name, language));
  const program = ts.createProgram([fixture], config.options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('engine/ layering', () => {
  it('lint rejects node:*, electron, vue, pinia and files outside engine/', async () => {
    const messages = await lint([
      "import fs from 'node:fs';",
      "import { app } from 'electron';",
      "import { ref } from 'vue';",
      "import { defineStore } from 'pinia';",
      "import { x } from '../../renderer/bridge';",
      'export const all = [fs, app, ref, defineStore, x];',
    ].join('\n'));
    expect(messages.filter((m) => m.startsWith('lab/layering'))).toEqual([
      "lab/layering: engine/ must stay pure TypeScript: 'node:fs' is a Node module.",
      "lab/layering: engine/ must stay pure TypeScript: 'electron' is a package; the engine imports nothing outside engine/.",
      "lab/layering: engine/ must stay pure TypeScript: 'vue' is a package; the engine imports nothing outside engine/.",
      "lab/layering: engine/ must stay pure TypeScript: 'pinia' is a package; the engine imports nothing outside engine/.",
      "lab/layering: engine/ must stay pure TypeScript: '../../renderer/bridge' is outside engine/.",
    ]);
  });

  it('lint rejects host globals and non-determinism in engine/', async () => {
    const messages = await lint('export const x = [document.title, process.pid, Math.random(), Date.now()];');
    expect(messages).toHaveLength(4);
    expect(messages.join('\n')).toMatch(/'document'/);
    expect(messages.join('\n')).toMatch(/Math.random/);
  });

  it('lint accepts imports within engine/ and leaves other folders to their own rules', async () => {
    expect(await lint("import { EventLog } from '../EventLog';\nexport const log = new EventLog();\n")).toEqual([]);
    const elsewhere = path.join(root, 'electron', 'LayeringFixture.ts');
    expect(await lint("import fs from 'node:fs';\nexport const f = fs;\n", elsewhere)).toEqual([]);
  });

  it('lint lets electron/ import the engine only through engine/index.ts and each folder\'s index.ts', async () => {
    const host = path.join(root, 'electron', 'host', 'LayeringFixture.ts');
    const messages = await lint([
      "import { Machine } from '../../engine/machine/Machine';",
      "import { EventLog } from '../../engine/EventLog';",
      "import { replay } from '../../engine/grader';",
      "import { hex } from '../../engine/format/index';",
      "import { Memory } from '../../engine/index';",
      "import { Kernel } from '../../engine';",
      'export const all = [Machine, EventLog, replay, hex, Memory, Kernel];',
    ].join('\n'), host);
    expect(messages.filter((m) => m.startsWith('lab/layering'))).toEqual([
      "lab/layering: electron/ imports the engine only through its entries: '../../engine/machine/Machine' is not an entry (engine/index.ts or engine/<folder>/index.ts).",
      "lab/layering: electron/ imports the engine only through its entries: '../../engine/EventLog' is not an entry (engine/index.ts or engine/<folder>/index.ts).",
    ]);
  });

  it('the engine tsconfig has no DOM and no Node: document, process and node:fs do not type-check', () => {
    const errors = typeErrors([
      "import * as fs from 'node:fs';",
      'export const a = [fs, document.title, process.pid, console];',
    ].join('\n'));
    expect(errors.join('\n')).toMatch(/Cannot find (name|module) 'node:fs'/);
    expect(errors.join('\n')).toMatch(/Cannot find name 'document'/);
    expect(errors.join('\n')).toMatch(/Cannot find name 'process'/);
    expect(errors.join('\n')).toMatch(/Cannot find name 'console'/);
  });

  it('the engine tsconfig accepts plain engine code', () => {
    expect(typeErrors("import { EventLog } from '../EventLog';\nexport const n: number = new EventLog().mark();\n")).toEqual([]);
  });
});
