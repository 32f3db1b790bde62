// The lab as one npm tarball that installs with no network (an autograder's): the lab's own files
// (electron/, engine/, exercises/) and its runtime dependencies, copied from the lab's node_modules
// and bundled in the tarball (bundleDependencies), laid out as Node resolves them. Platform packages
// are chosen for the target, Linux x64 (Gradescope's image): a native optional dependency for
// another platform is left out, and esbuild's @esbuild/linux-x64 is fetched with npm at build time
// when the lab's node_modules were installed elsewhere (macOS, Windows).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';

/** What goes in the tarball from the lab's root, besides package.json. */
const LAB_FILES = ['electron', 'engine', 'exercises', 'README.md', 'tsconfig.base.json'];
/** The platform the tarball is for. */
export const TARGET = { os: 'linux', cpu: 'x64' } as const;
/** An optional dependency that is the target's build of a native tool (@esbuild/linux-x64, …-linux-x64-gnu). */
const TARGET_PACKAGE = /[/-]linux-x64(-gnu)?$/;

export class TarballError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarballError';
  }
}

interface Manifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
}

/** One dependency in the tarball: where it is on disk, and where it goes under the package (node_modules/…). */
export interface StagedPackage {
  name: string;
  version: string;
  from: string;
  to: string;
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Whether a package's `os` and `cpu` fields (absent: any; `!x`: all but x) allow the target. */
function allowsTarget(manifest: Manifest): boolean {
  const allows = (list: string[] | undefined, value: string) =>
    !list || list.length === 0 || (list.some((v) => !v.startsWith('!')) ? list.includes(value) : !list.includes(`!${value}`));
  return allows(manifest.os, TARGET.os) && allows(manifest.cpu, TARGET.cpu);
}

/** The folder Node would load `name` from when `from` (a package's folder) imports it; null when none. */
function resolvePackage(name: string, from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The runtime dependencies of the package at `root` (dependencies and optional dependencies, through
 * their own), each placed as npm would hoist it: at the top of node_modules unless another version
 * took that place, then under the package that needs it. `fetch` provides a target platform package
 * missing from disk (returns its folder). Throws TarballError for a missing required dependency.
 */
export async function runtimeDependencies(root: string, fetch: (name: string, spec: string) => Promise<string>): Promise<StagedPackage[]> {
  const staged = new Map<string, StagedPackage>(); // by `to`
  const parents = new Map<string, string>([['', '']]); // a staged folder's parent in the chain Node searches
  const visit = async (manifest: Manifest, fromDir: string, at: string): Promise<void> => {
    const wanted = [
      ...Object.entries(manifest.dependencies ?? {}).map(([name, spec]) => ({ name, spec, optional: false })),
      ...Object.entries(manifest.optionalDependencies ?? {}).map(([name, spec]) => ({ name, spec, optional: true })),
    ];
    for (const { name, spec, optional } of wanted) {
      let dir = resolvePackage(name, fromDir);
      if (dir === null && optional && TARGET_PACKAGE.test(name)) dir = await fetch(name, spec);
      if (dir === null) {
        if (optional) continue;
        throw new TarballError(`${join(fromDir, 'package.json')}: dependency ${name} is not installed (run npm install in ${root} first)`);
      }
      const dep = readManifest(dir);
      if (!allowsTarget(dep)) {
        if (optional) continue;
        throw new TarballError(`${join(dir, 'package.json')}: ${name} does not run on ${TARGET.os}-${TARGET.cpu}`);
      }
      const place = placeFor(name, dir, at, staged, parents);
      if (place === null) continue; // already resolves from here
      staged.set(place, { name, version: dep.version ?? '', from: dir, to: place });
      parents.set(place, at);
      await visit(dep, dir, place);
    }
  };
  await visit(readManifest(root), root, '');
  return [...staged.values()];
}

/** Where `name` (from `dir`) goes for the staged package at `at`: null when it already resolves to the same folder. */
function placeFor(name: string, dir: string, at: string, staged: Map<string, StagedPackage>, parents: Map<string, string>): string | null {
  const under = (p: string) => (p === '' ? `node_modules/${name}` : `${p}/node_modules/${name}`);
  for (let p = at; ; p = parents.get(p)!) {
    const there = staged.get(under(p));
    if (there) return there.from === dir ? null : under(at);
    if (p === '') return under('');
  }
}

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs npm with `args` in `cwd`; TarballError with npm's own message when it fails. */
async function runNpm(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(npm, args, { cwd, maxBuffer: 64 * 1024 * 1024, shell: process.platform === 'win32' });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new TarballError(`npm ${args.join(' ')} failed in ${cwd}: ${(e.stderr || e.message).trim().split('\n').slice(-5).join('\n')}`);
  }
}

/** Installs the target platform package `name@spec` into `scratch` with npm (network, build time); its folder. */
async function fetchTargetPackage(name: string, spec: string, scratch: string): Promise<string> {
  const dir = join(scratch, name.replace(/[/@]/g, '_'));
  mkdirSync(dir, { recursive: true });
  await runNpm(['install', '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--force',
    `--os=${TARGET.os}`, `--cpu=${TARGET.cpu}`, `${name}@${spec}`], dir);
  const installed = join(dir, 'node_modules', name);
  if (!existsSync(join(installed, 'package.json'))) throw new TarballError(`npm did not install ${name}@${spec} for ${TARGET.os}-${TARGET.cpu}`);
  return installed;
}

export interface LabTarball {
  /** The tarball's path (in `outDir`). */
  file: string;
  /** The dependencies it bundles. */
  dependencies: StagedPackage[];
}

/**
 * Packs the lab at `root` with `npm pack` into `outDir`, its runtime dependencies bundled so that
 * `npm install --offline <tarball>` needs nothing else. Throws TarballError when a dependency is
 * missing or npm fails.
 */
export async function packLab(root: string, outDir: string): Promise<LabTarball> {
  const scratch = mkdtempSync(join(tmpdir(), 'freenos-lab-tarball-'));
  try {
    const stage = join(scratch, 'package');
    mkdirSync(stage);
    const skip = (path: string) => ['node_modules', 'dist', '.DS_Store'].includes(basename(path)) || path.endsWith('.log');
    for (const entry of LAB_FILES) {
      if (existsSync(join(root, entry))) cpSync(join(root, entry), join(stage, entry), { recursive: true, filter: (path) => !skip(path) });
    }
    const dependencies = await runtimeDependencies(root, (name, spec) => fetchTargetPackage(name, spec, join(scratch, 'fetched')));
    for (const dep of dependencies) {
      // Each package's own nested node_modules are staged one by one (only what runs on the target).
      cpSync(dep.from, join(stage, ...dep.to.split('/')), { recursive: true, dereference: true, filter: (path) => relative(dep.from, path).split(sep)[0] !== 'node_modules' });
    }
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    const { name, version, description, type, license, engines, bin, dependencies: deps } = manifest;
    const bundled = Object.keys((deps ?? {}) as Record<string, string>);
    const packed = { name, version, description, type, license, engines, bin, dependencies: deps, bundleDependencies: bundled, files: LAB_FILES };
    writeFileSync(join(stage, 'package.json'), `${JSON.stringify(packed, null, 2)}\n`);
    mkdirSync(outDir, { recursive: true });
    const report = JSON.parse(await runNpm(['pack', '--json', '--ignore-scripts', '--pack-destination', outDir], stage)) as { filename?: string }[];
    const file = join(outDir, report[0]?.filename ?? '');
    if (!report[0]?.filename || !existsSync(file)) throw new TarballError(`npm pack wrote no tarball in ${outDir}`);
    return { file, dependencies };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
