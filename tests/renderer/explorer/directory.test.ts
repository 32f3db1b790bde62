// The page tables' shaping: the section size per architecture, mapping runs grouped under the
// directory entry whose range holds them (cut at an entry's edge), section runs in words, live
// processes; and the words for VMCtl's results, access flags and each call's outcome.
import { describe, expect, it } from 'vitest';
import type { MachineMappingRun, MachineProcess } from '../../../electron/contract';
import { directoryView, liveProcesses, mappingsIn, runEnd, sectionLines, sectionSizeOf } from '../../../renderer/src/explorer/directory';
import { describeOutcome } from '../../../renderer/src/explorer/outcome';
import { accessFlags, accessNames, accessValue, explainResult, resultMeanings } from '../../../renderer/src/explorer/vmctl';

const MiB = 1024 * 1024;
const map = (virt: number, phys: number, pages: number, extra: Partial<MachineMappingRun> = {}): MachineMappingRun =>
  ({ virt, phys, pages, access: ['Readable', 'Writable', 'User'], flags: 7, copyOnWrite: false, ...extra });

function proc(extra: Partial<MachineProcess> = {}): MachineProcess {
  return {
    pid: 3, parent: 0, state: 'Ready', program: 'sh', root: 0x29d000, regions: [], directory: [], sections: [], mappings: [], pages: 0, truncated: false,
    ...extra,
  };
}

describe('directory entries and their mappings', () => {
  it('covers 4 MiB per entry on Intel and 1 MiB on ARM', () => {
    expect(sectionSizeOf('intel')).toBe(4 * MiB);
    expect(sectionSizeOf('arm')).toBe(MiB);
  });

  it('puts each run under its entry, cutting a run that crosses an entry\'s edge', () => {
    const crossing = map(0x803fe000, 0x100000, 4); // two pages in entry 512, two in entry 513
    const p = proc({
      directory: [
        { index: 512, virt: 0x80000000, value: 0x2db007, table: 0x2db000, kernel: false, pages: 3 },
        { index: 513, virt: 0x80400000, value: 0x2dc007, table: 0x2dc000, kernel: false, pages: 2 },
        { index: 768, virt: 0xc0000000, value: 0x2dd007, table: 0x2dd000, kernel: false, pages: 0 },
      ],
      mappings: [map(0x80000000, 0x2a7000, 1, { copyOnWrite: true }), crossing],
    });
    const view = directoryView(p, 'intel');
    expect(view.map((e) => [e.index, e.end])).toEqual([[512, 0x803fffff], [513, 0x807fffff], [768, 0xc03fffff]]);
    expect(view[0]!.mappings).toEqual([map(0x80000000, 0x2a7000, 1, { copyOnWrite: true }), map(0x803fe000, 0x100000, 2)]);
    expect(view[1]!.mappings).toEqual([map(0x80400000, 0x102000, 2)]);
    expect(view[2]!.mappings).toEqual([]);
    expect(mappingsIn(p.mappings, 0x803ff000, 0x1000)).toEqual([map(0x803ff000, 0x101000, 1)]);
    expect(runEnd(crossing)).toEqual({ virt: 0x80401fff, phys: 0x103fff });
  });

  it('uses 1 MiB entries on ARM', () => {
    const p = proc({ directory: [{ index: 2048, virt: 0x80000000, value: 0, table: 0x1b8000, kernel: false, pages: 1 }], mappings: [map(0x80000000, 0x1000, 1), map(0x80100000, 0x2000, 1)] });
    expect(directoryView(p, 'arm')[0]!.mappings).toEqual([map(0x80000000, 0x1000, 1)]);
  });

  it('says what the section runs map and which processes are live', () => {
    const p = proc({ sections: [{ index: 0, count: 224, virt: 0, size: 896 * MiB }, { index: 1008, count: 1, virt: 0xfc000000, size: 4 * MiB }] });
    expect(sectionLines(p)).toEqual([
      'entries 0–223 map 896 MiB directly at 0x00000000–0x37FFFFFF',
      'entry 1008 maps 4 MiB directly at 0xFC000000–0xFC3FFFFF',
    ]);
    expect(liveProcesses([proc({ pid: 0 }), proc({ pid: 1, state: 'Zombie' }), proc({ pid: 2, state: 'Waiting' })]).map((q) => q.pid)).toEqual([0, 2]);
  });
});

describe('VMCtl words', () => {
  it('turns access flags into Memory.Access values and back', () => {
    expect(accessFlags.map((f) => f.value)).toEqual([1, 2, 4, 8, 16, 32, 64, 128]);
    expect(accessValue(['Readable', 'Writable', 'User'])).toBe(11);
    expect(accessValue(['Nonsense'])).toBe(0);
    expect(accessNames(11)).toEqual(['Readable', 'Writable', 'User']);
    expect(accessNames(0)).toEqual(['None']);
  });

  it('has a meaning for every API.Result name, sharper ones per operation', () => {
    const names = ['Success', 'AccessViolation', 'RangeError', 'NotFound', 'InvalidArgument', 'OutOfMemory', 'IOError', 'AlreadyExists', 'TemporaryUnavailable'];
    expect(Object.keys(resultMeanings)).toEqual(names);
    expect(explainResult('NotFound')).toBe(resultMeanings.NotFound);
    expect(explainResult('AccessViolation', 'LookupVirtual')).toMatch(/not mapped in the process: there is no physical address/);
    expect(explainResult('IOError', 'MapSparse')).toMatch(/multiple of 32 KiB/);
    expect(explainResult('IOError', 'LookupVirtual')).toBe(resultMeanings.IOError);
    expect(explainResult('Weird')).toBe('Result Weird is not one of the API.Result codes this lab knows.');
  });
});

describe('call outcomes', () => {
  it('says what a call did and which process it created', () => {
    expect(describeOutcome({ op: 'fork', pid: 0 }, { ok: true, pid: 1 })).toEqual({ text: 'fork of pid 0: child pid 1, with its own page directory', ok: true, created: 1 });
    expect(describeOutcome({ op: 'boot', path: 'sh' }, { ok: true, pid: 0 }).created).toBe(0);
    expect(describeOutcome({ op: 'spawn', pid: 0, path: 'nope' }, { ok: false, error: 'ENOENT', reason: "no program named 'nope'" }))
      .toEqual({ text: "spawn nope from pid 0 failed: ENOENT — no program named 'nope'", ok: false, created: null });
    expect(describeOutcome({ op: 'launch', pid: 0, path: 'hog' }, { result: 0, name: 'Success', pid: 4 }))
      .toEqual({ text: 'launch hog from pid 0: ApplicationLauncher.exec() → Success; child pid 4 will execve hog', ok: true, created: 4 });
    expect(describeOutcome({ op: 'launch', pid: 0, path: 'hog' }, { result: 0, name: 'Success', pid: -1 })).toMatchObject({ ok: false, created: null });
    expect(describeOutcome({ op: 'execve', pid: 2, path: 'hog' }, { ok: true, pid: 2 }).created).toBeNull();
  });

  it('words waits, steps, runs, translations and VMCtl calls', () => {
    expect(describeOutcome({ op: 'wait', pid: 1 }, { state: 'exited', status: 3 }).text).toBe('wait pid 1: exited with status 3 (reaped)');
    expect(describeOutcome({ op: 'wait', pid: 1 }, { state: 'running' }).text).toBe('wait pid 1: still running (nothing to collect yet)');
    expect(describeOutcome({ op: 'wait', pid: 9 }, { state: 'error', error: 'ESRCH' }).ok).toBe(false);
    expect(describeOutcome({ op: 'step' }, null)).toMatchObject({ text: 'step: nothing can run', ok: false });
    expect(describeOutcome({ op: 'step' }, { pid: 0, op: 'print', outcome: 'printed' }).text).toBe('step: pid 0 ran print: printed');
    expect(describeOutcome({ op: 'run', steps: 10 }, { steps: 4, idle: true }).text).toBe('run: 4 steps, then nothing could run');
    const walk = { pid: 1, virt: 0x80000000, access: 'write' as const, root: 0, switched: false, tlb: 'hit' as const, steps: [], phys: null, fault: 'ReadOnly' as const, flags: [], mapping: null, explanation: [] };
    expect(describeOutcome({ op: 'translate', pid: 1, virt: 0x80000000 }, walk).text).toBe('translate 0x80000000 in pid 1 (write): TLB hit, fault ReadOnly');
    const range = { virt: 0, phys: 0, size: 4096, access: 0 };
    expect(describeOutcome({ op: 'vmctl', pid: 9, operation: 'UnMap', range }, { result: 3, name: 'NotFound', range }))
      .toEqual({ text: `VMCtl UnMap on pid 9: NotFound (3) — ${resultMeanings.NotFound}`, ok: false, created: null });
  });
});
