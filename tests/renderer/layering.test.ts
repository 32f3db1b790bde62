// The renderer's layering: renderer/src imports only its own files, electron/contract.ts, the index
// of engine/format (pure number formatting) and its UI packages, and renderer/src/demo/ also the
// engine (the lint rule lab/layering, run here on an in-memory fixture and on the script of every
// .vue file, which ESLint does not parse itself), reads window.lab only in bridge.ts, and its
// tsconfig has no Node types.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const src = path.join(root, 'renderer', 'src');
const fixture = path.join(src, 'stores', 'LayeringFixture.ts');

async function lint(code: string, file = fixture): Promise<string[]> {
  const [result] = await new ESLint({ cwd: root }).lintText(code, { filePath: file });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)]);
}

describe('renderer/ layering', () => {
  it('lint rejects Node, Electron, the engine, the host and other packages', async () => {
    const messages = await lint([
      "import fs from 'node:fs';",
      "import { ipcRenderer } from 'electron';",
      "import { log } from 'freenos-lab';",
      "import { EventLog } from '../../../engine/EventLog';",
      "import { hex } from '../../../engine/format/hex';",
      "import { grade } from '../../../electron/host/grader/grade';",
      "import WebSocket from 'ws';",
      'export const all = [fs, ipcRenderer, log, EventLog, hex, grade, WebSocket];',
    ].join('\n'));
    expect(messages.filter((m) => m.startsWith('lab/layering')).map((m) => m.replace(/^.*?: '([^']+)'.*$/, '$1'))).toEqual([
      'node:fs', 'electron', 'freenos-lab', '../../../engine/EventLog', '../../../engine/format/hex',
      '../../../electron/host/grader/grade', 'ws',
    ]);
  });

  it('lint accepts its own files, the contract, engine/format\'s index and its UI packages (with Vite queries)', async () => {
    expect(await lint([
      "import { ref } from 'vue';",
      "import { defineStore } from 'pinia';",
      "import MarkdownIt from 'markdown-it';",
      "import Worker from 'monaco-editor/editor/editor.worker?worker';",
      "import { labMethods } from '../../../electron/contract';",
      "import { hex } from '../../../engine/format';",
      "import { lab } from '../bridge';",
      'export const all = [ref, defineStore, MarkdownIt, Worker, labMethods, hex, lab];',
    ].join('\n'))).toEqual([]);
  });

  it('lint lets renderer/src/demo/ (and only it) import the engine, never the host', async () => {
    const demo = path.join(src, 'demo', 'LayeringFixture.ts');
    const messages = await lint([
      "import { replay } from '../../../engine/grader/Replay';",
      "import { createLabHost } from '../../../electron/host/lab';",
      'export const all = [replay, createLabHost];',
    ].join('\n'), demo);
    expect(messages.filter((m) => m.startsWith('lab/layering')).map((m) => m.replace(/^.*?: '([^']+)'.*$/, '$1'))).toEqual(['../../../electron/host/lab']);
  });

  it('lint keeps window.lab and Node globals out of everything but bridge.ts', async () => {
    const messages = await lint('export const x = [window.lab, process.env];');
    expect(messages.join('\n')).toMatch(/window.lab only in renderer\/src\/bridge.ts/);
    expect(messages.join('\n')).toMatch(/no 'process'/);
  });

  it('every .vue script imports only what the renderer may', async () => {
    const vue = files(src).filter((f) => f.endsWith('.vue'));
    expect(vue.length).toBeGreaterThan(5);
    for (const file of vue) {
      const script = /<script setup lang="ts">([\s\S]*?)<\/script>/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
      const problems = (await lint(script, `${file}.ts`)).filter((m) => m.startsWith('lab/layering') || m.includes('window.lab'));
      expect(problems, path.relative(root, file)).toEqual([]);
    }
  });

  it('the renderer tsconfig has no Node types', () => {
    const configPath = path.join(root, 'renderer', 'tsconfig.json');
    const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const file = path.join(src, 'LayeringFixture.ts');
    const host = ts.createCompilerHost(config.options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.fileExists = (name) => path.resolve(name) === file || ts.sys.fileExists(name);
    host.readFile = (name) => (path.resolve(name) === file ? 'export const p = process.pid;\n' : ts.sys.readFile(name));
    host.getSourceFile = (name, language) => (path.resolve(name) === file
      ? ts.createSourceFile(name, 'export const p = process.pid;\n', language) : getSourceFile(name, language));
    const errors = ts.getPreEmitDiagnostics(ts.createProgram([file], config.options, host))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors.join('\n')).toMatch(/Cannot find name 'process'/);
  });
});
