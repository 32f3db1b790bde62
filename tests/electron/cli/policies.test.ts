// `freenos-lab policies`, called in-process through its command function on the tiny fixture
// exercise (two short generated traces, a 1 MiB heap): the ranked table in text, JSON and CSV; a
// submission's row run in the sandbox, whose fragmentation equals the same class replayed
// in-process; a tune submission's config, equal to the policy with the same config; a failing submission (exit 1, unranked, its failure named); usage and input errors.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../electron/cli/args';
import { policiesCommand } from '../../../electron/cli/policies';
import { localTarget } from '../../../engine/grader/LocalTarget';
import { policyCell } from '../../../engine/grader/PolicyRanking';
import { replay } from '../../../engine/grader/Replay';
import { generate } from '../../../engine/workload/generators';
import { writeLabTrace } from '../../../engine/workload/TraceFormat';
import TinyReference from '../../host/grader/fixtures/tiny/reference';

const root = path.resolve(import.meta.dirname, '../../..');
const PACK = path.join(root, 'tests', 'host', 'grader', 'fixtures');
const REFERENCE = path.join(PACK, 'tiny', 'reference.ts');
const TINY = ['--exercise', 'tiny', '--pack', PACK];

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await policiesCommand(args, (text) => out.push(text), (text) => err.push(text));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir: string;
let small: string;
let broken: string;
let zero: string;
let tunePack: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lab-cli-policies-'));
  small = path.join(dir, 'small.trace');
  writeFileSync(small, writeLabTrace(generate('peak', { seed: 5, ops: 200 })));
  broken = path.join(dir, 'broken.rep');
  writeFileSync(broken, '20000\n2\n2\n1\na 0 10\nx 1 5\n');
  // A tune exercise (08-fragmentation's kind) with one short generated trace.
  tunePack = path.join(dir, 'pack');
  mkdirSync(path.join(tunePack, 'tune'), { recursive: true });
  const config = "export default { config: { fit: 'best', order: 'address', growBy: 8 }, predictions: {} };\n";
  for (const file of ['starter.ts', 'reference.ts']) writeFileSync(path.join(tunePack, 'tune', file), config);
  writeFileSync(path.join(tunePack, 'tune', 'README.md'), '# tune\n');
  writeFileSync(path.join(tunePack, 'tune', 'exercise.yaml'), [
    'id: tune', 'title: Tune (test)', 'summary: One trace.', 'kind: tune', 'starter: starter.ts', 'reference: reference.ts', 'instructions: README.md',
    'heap: { limit: 4194304, parent: sbrk }',
    'traces:', '  uniform: { generate: randomSizes, options: { seed: 5, ops: 300, live: 40, maxSize: 512 } }',
    'grading:', '  thresholds: { utilization: { min: 0.4, max: 0.8 } }',
    '  tests:', '    - { name: uniform, kind: performance, trace: uniform, points: 10 }', '',
  ].join('\n'));
  zero = path.join(dir, 'zero.ts');
  writeFileSync(zero, `import type { Heap, MallocAllocator } from 'freenos-lab';
export default class Zero implements MallocAllocator {
  constructor(private readonly heap: Heap) {}
  malloc(_size: number): number { return 0; }
  free(_address: number): void {}
}
`);
});

describe('freenos-lab policies', () => {
  it('ranks the eleven policies on an exercise\'s traces and every --trace, lowest mean #4 first', async () => {
    const { code, out } = await run([...TINY, '--trace', small, '--trace', 'gen:coalescing', '--seed', '3']);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe('Fragmentation by policy, lowest first (Johnstone & Wilson, ISMM 1998):');
    expect(lines[2]).toBe('  4 traces, each replayed under the checker on an sbrk heap (grown by exactly what is asked, at most 1 MiB).');
    expect(lines[4]).toMatch(/^rank {2}policy +\[1\] +\[2\] +\[3\] +\[4\] +mean #4 +mean #3$/);
    const rows = lines.slice(5, 16).map((l) => l.trim().split(/\s{2,}/));
    expect(lines[16]).toBe('');
    const ranks = rows.map((r) => Number(r[0]));
    expect(ranks[0]).toBe(1);
    expect(ranks.every((rank, k) => k === 0 || rank >= ranks[k - 1]!)).toBe(true);
    expect(rows.map((r) => r[1]).sort()).toEqual([
      'best fit, FIFO', 'best fit, LIFO', 'best fit, address-ordered', 'binary buddy', 'first fit, FIFO', 'first fit, LIFO', 'first fit, address-ordered',
      'next fit, FIFO', 'next fit, LIFO', 'next fit, address-ordered', 'simple segregated storage',
    ]);
    for (const row of rows) expect(row.slice(2)).toHaveLength(6); // four traces, two means
    const means = rows.map((r) => parseFloat(r[6]!));
    expect([...means].sort((a, b) => a - b)).toEqual(means);
    expect(out).toMatch(/\n\[1\] random: generator:randomSizes\?seed=11&ops=300\S*, 300 operations\n/);
    expect(out).toContain(`\n[3] peak: ${small}, 200 operations\n`);
    expect(out).toMatch(/\n\[4\] coalescing: generator:coalescing\?seed=3\S*, [\d,]+ operations$/);
  }, 60_000);

  it('prints the ranking as JSON and CSV', async () => {
    const json = JSON.parse((await run([...TINY, '--format', 'json'])).out);
    expect(json.measures.frag4).toMatch(/^measure #4: heap high-water mark \/ peak live payload - 1/);
    expect(json.traces.map((t: { name: string }) => t.name)).toEqual(['random', 'realloc']);
    expect(json.rows).toHaveLength(11);
    expect(json.rows.map((r: { mean4: number }) => r.mean4)).toEqual([...json.rows.map((r: { mean4: number }) => r.mean4)].sort((a: number, b: number) => a - b));
    const csv = (await run([...TINY, '--format', 'csv'])).out.split('\n');
    expect(csv[0]).toBe('rank,policy,label,extra,trace,ok,frag4,frag3,frag2,peak_payload,heap_high_water,failure');
    expect(csv).toHaveLength(1 + 11 * 3);
    // Fields: rank, policy, label (quoted: it has a comma), extra, trace, ok, frag4, ...
    const fields = (line: string) => line.match(/"[^"]*"|[^,]+|(?<=,)(?=,|$)/g)!;
    const buddy = csv.filter((l) => l.includes(',buddy,')).map(fields);
    expect(buddy.map((f) => f.slice(1, 6))).toEqual([['buddy', 'binary buddy', '0', 'random', '1'], ['buddy', 'binary buddy', '0', 'realloc', '1'], ['buddy', 'binary buddy', '0', '(mean)', '1']]);
    const best = json.rows.find((r: { id: string }) => r.id === 'best-address');
    const bestRandom = fields(csv.find((l) => l.includes(',best-address,') && l.includes(',random,'))!);
    expect(bestRandom.slice(1, 7)).toEqual(['best-address', '"best fit, address-ordered"', '0', 'random', '1', String(best.cells[0].measures.frag4)]);
  }, 60_000);

  it('adds a submission as a row, run in the sandbox: the same fragmentation as its class replayed in-process', async () => {
    const { code, out } = await run([...TINY, '--submission', REFERENCE, '--format', 'json']);
    expect(code).toBe(0);
    const row = JSON.parse(out).rows.find((r: { id: string }) => r.id === 'submission');
    expect(row).toMatchObject({ label: 'reference.ts', extra: true });
    expect(row.rank).toBeGreaterThanOrEqual(1);
    for (const [k, name] of ['random', 'realloc'].entries()) {
      const options = name === 'random' ? { seed: 11, ops: 300, live: 24, maxSize: 512 } : { seed: 12, ops: 200, startSize: 64, step: 64, maxSize: 4096 };
      const trace = { ...generate(name === 'random' ? 'randomSizes' : 'reallocHeavy', options), name };
      const local = replay(trace, localTarget(TinyReference, { limit: 1024 * 1024 }), { heapLimit: 1024 * 1024, series: true });
      expect(row.cells[k]).toEqual(policyCell(name, null, local.series!.payload, local.series!.heap, trace.length));
    }
  }, 120_000);

  it('runs a tune submission\'s config on the engine\'s allocator: best fit on an address-ordered list ties with that policy', async () => {
    const { code, out } = await run(['--exercise', 'tune', '--pack', tunePack, '--submission', path.join(tunePack, 'tune', 'reference.ts'), '--format', 'json']);
    expect(code).toBe(0);
    const rows = JSON.parse(out).rows as { id: string; rank: number; cells: unknown[] }[];
    const mine = rows.find((r) => r.id === 'submission')!;
    const policy = rows.find((r) => r.id === 'best-address')!;
    expect(mine.cells).toEqual(policy.cells);
    expect(mine.rank).toBe(policy.rank);
  }, 120_000);

  it('leaves a submission that fails a trace unranked, names its failure, and exits 1', async () => {
    const { code, out } = await run([...TINY, '--submission', zero]);
    expect(code).toBe(1);
    expect(out).toMatch(/\n {3}— {2}zero\.ts \(yours\) +FAILED +FAILED +— +—$/m);
    expect(out).toMatch(/\n {2}zero\.ts on \[1\] random: generator:randomSizes\?\S+ op 0: a 0 243: malloc\(243\) returned 0 \(no memory\) with 0 bytes live/);
  }, 120_000);

  it('names a malformed trace\'s file and line (exit 1) and refuses bad usage (exit 2)', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: freenos-lab policies \[--trace FILE \.\.\.\] \[--exercise ID\]/);
    const malformed = await run(['--trace', broken]);
    expect(malformed.code).toBe(1);
    expect(malformed.err).toMatch(/broken\.rep:6: .*'x'/);
    await expect(run(['--submission', REFERENCE])).rejects.toThrow('--submission needs --exercise');
    await expect(run(['--format', 'xml'])).rejects.toThrow("--format must be one of text, json, csv, not 'xml'");
    await expect(run(['--parent', 'heap'])).rejects.toThrow("--parent must be sbrk or pages, not 'heap'");
    await expect(run(['--trace', path.join(dir, 'missing.rep')])).rejects.toThrow(/missing\.rep: cannot read the trace \(ENOENT\)/);
    await expect(run(['--trace'])).rejects.toThrow('option --trace needs a value');
    await expect(run(['--exercise', 'no-such', '--pack', PACK])).rejects.toThrow(UsageError);
    await expect(run(['--colour', 'red'])).rejects.toThrow('unknown option --colour');
  });
});
