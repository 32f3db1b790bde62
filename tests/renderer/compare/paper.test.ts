// @vitest-environment happy-dom
// The fragmentation paper in Compare: the preset's four rows (your code, best fit address-ordered,
// next fit LIFO, binary buddy) and their replay subjects; the merged ranking table (the host's eleven
// policies and Compare's other rows by measure #4, ties sharing a rank, failures last); and the view:
// the preset button fills the rows, Run replays them, and the table asks the host's ranking once.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PAPER_POLICIES, type LabApi, type PolicyRankingView, type ReplayEnd, type ReplayInfo } from '../../../electron/contract';
import App from '../../../renderer/src/App.vue';
import { frag4Of, paperTable, percent } from '../../../renderer/src/compare/paper';
import { PAPER_PRESET, isSubjectKind, paperPolicyOf, rowLabels, subjectRequest } from '../../../renderer/src/compare/subjects';
import { navigate } from '../../../renderer/src/router';
import { useCompareStore } from '../../../renderer/src/stores/compare';
import { FakeLab, exercise, installFakeLab } from '../fakeLab';

function end(replayId: string, peakPayload: number, heapHighWater: number, extra: Partial<ReplayEnd> = {}): ReplayEnd {
  return {
    replayId, ok: true, done: 100, failure: null, error: null, stopped: false, ms: 3,
    metrics: { operations: 100, utilization: peakPayload / heapHighWater, peakPayload, heapHighWater, holes: 1, largestHole: 2, external: 0, meanExternal: 0, rss: 0, work: 10, workPerOp: 0.1 },
    ...extra,
  };
}

/** A ranking whose policies have #4 of 1 %, 2 %, ... in PAPER_POLICIES order; `failed` has no measure. */
function ranking(failed = 'segregated'): PolicyRankingView {
  return {
    exercise: '08-fragmentation', trace: 'plateau', heap: { limit: 1024, parent: 'sbrk' },
    rows: PAPER_POLICIES.map((p, k) => (p.id === failed
      ? { id: p.id, label: p.label, rank: null, frag4: null, frag3: null, frag2: null, failure: 'plateau.trace:9: a 3 8: malloc(8) returned 0 (no memory)' }
      : { id: p.id, label: p.label, rank: k + 1, frag4: (k + 1) / 100, frag3: (k + 2) / 100, frag2: (k + 3) / 100, failure: null })),
  };
}

describe('the paper\'s preset and subjects', () => {
  it('puts your code beside best fit address-ordered, next fit LIFO and the buddy system, each a policy subject', () => {
    expect(PAPER_PRESET).toEqual(['submission', 'paper-best-address', 'paper-next-lifo', 'paper-buddy']);
    expect(PAPER_PRESET.every(isSubjectKind)).toBe(true);
    expect(rowLabels(PAPER_PRESET)).toEqual(['your code', 'paper: best fit, address-ordered', 'paper: next fit, LIFO', 'paper: binary buddy']);
    expect(subjectRequest('paper-buddy', '')).toEqual({ code: 'policy', policy: 'buddy' });
    expect(paperPolicyOf('paper-first-fifo')).toBe('first-fifo');
    expect(paperPolicyOf('engine-first')).toBeNull();
    expect(isSubjectKind('paper-worst')).toBe(false);
  });
});

describe('the compare store\'s setRows', () => {
  it('takes 2 to 4 kinds as fresh rows, and nothing else', () => {
    setActivePinia(createPinia());
    installFakeLab(new FakeLab());
    const store = useCompareStore();
    const before = store.rows;
    store.setRows(['submission']);
    store.setRows([...PAPER_PRESET, 'reference']);
    expect(store.rows).toBe(before);
    store.setRows(PAPER_PRESET);
    expect(store.rows.map((r) => [r.kind, r.run])).toEqual(PAPER_PRESET.map((kind) => [kind, null]));
    expect(new Set(store.rows.map((r) => r.key)).size).toBe(4);
    expect(store.rows.some((r) => before.some((b) => b.key === r.key))).toBe(false);
  });
});

describe('paperTable', () => {
  it('merges Compare\'s other rows by their #4, re-ranks, shares ties and puts rows without a measure last', () => {
    const rows = paperTable(ranking(), [
      { kind: 'submission', label: 'your code', end: end('r1', 1000, 1030) }, // 3 %: ties with first fit, address-ordered
      { kind: 'paper-buddy', label: 'paper: binary buddy', end: end('r2', 1000, 1100) },
      { kind: 'reference', label: 'reference', end: end('r3', 1000, 0, { ok: false, failure: { op: 7, where: 'w', operation: 'a 1 8', kind: 'overlap', reason: 'r' } }) },
      { kind: 'starter', label: 'starter', end: null },
    ]);
    expect(rows.map((r) => [r.rank, r.label, r.charted, r.extra])).toEqual([
      [1, 'first fit, LIFO', false, false], [2, 'first fit, FIFO', false, false], [3, 'first fit, address-ordered', false, false], [3, 'your code', true, true],
      [5, 'next fit, LIFO', false, false], [6, 'next fit, FIFO', false, false], [7, 'next fit, address-ordered', false, false], [8, 'best fit, LIFO', false, false],
      [9, 'best fit, FIFO', false, false], [10, 'best fit, address-ordered', false, false], [11, 'binary buddy', true, false],
      [null, 'simple segregated storage', false, false], [null, 'reference', true, true],
    ]);
    expect(rows.find((r) => r.label === 'your code')).toMatchObject({ frag3: null, frag2: null, note: null });
    expect(rows.find((r) => r.label === 'reference')!.note).toBe('failed at operation 7');
    expect(rows.find((r) => r.label === 'simple segregated storage')!.note).toMatch(/no memory/);
  });

  it('shows Compare\'s rows alone until the ranking comes', () => {
    expect(paperTable(null, [{ kind: 'submission', label: 'your code', end: end('r1', 200, 300) }])).toEqual([
      { label: 'your code', rank: 1, frag4: 0.5, frag3: null, frag2: null, charted: true, extra: true, note: null },
    ]);
  });

  it('measures #4 from a replay\'s end, and words percentages', () => {
    expect(frag4Of(end('r', 800, 1000))).toBeCloseTo(0.25, 12);
    expect(frag4Of(end('r', 0, 1000))).toBeNull();
    expect(frag4Of(end('r', 800, 1000, { ok: false }))).toBeNull();
    expect([percent(0.0123), percent(1.5), percent(null)]).toEqual(['1.2 %', '150.0 %', '—']);
  });
});

describe('CompareView with the paper\'s preset', () => {
  let wrapper: VueWrapper | null = null;
  beforeEach(() => {
    vi.stubGlobal('requestAnimationFrame', (fn: FrameRequestCallback) => setTimeout(() => fn(0), 0));
    vi.stubGlobal('cancelAnimationFrame', () => {});
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = null;
    navigate({ name: 'home' });
    vi.unstubAllGlobals();
  });

  it('fills the four rows, replays them, and ranks all eleven policies with your code in a table', async () => {
    const fake = new FakeLab();
    const api: LabApi = fake;
    fake.exercises = [exercise('08-fragmentation', { kind: 'tune', traces: ['plateau', 'peak'] })];
    let n = 0;
    api.replayStart = async (request) => {
      fake.calls.push(['replayStart', [request]]);
      const info: ReplayInfo = { replayId: `replay-${++n}-a`, exercise: request.exercise, trace: 'plateau', total: 100, label: 'x', heapBase: 0, layout: false, closed: null };
      return info;
    };
    api.replayCharts = async (_id, from, to) => {
      const s = () => ({ x: [from], min: [0], max: [to], last: [to] });
      return { from, to, series: { payload: s(), heap: s(), holes: s(), largestHole: s(), external: s(), rss: s(), work: s() } };
    };
    api.replayPolicies = async (request) => { fake.calls.push(['replayPolicies', [request]]); return ranking(); };
    fake.replayClose = async () => true;
    installFakeLab(fake);
    navigate({ name: 'home' });
    wrapper = mount(App, { global: { plugins: [createPinia()], stubs: { CodeEditor: true, ReplayChart: true } }, attachTo: document.body });
    navigate({ name: 'compare', id: '08-fragmentation', trace: 'plateau' });
    await flushPromises();
    const w = wrapper;
    const kinds = () => w.findAll('[data-testid^=compare-row-]').map((r) => (r.find('select').element as HTMLSelectElement).value);
    expect(kinds()).toEqual(['submission', 'reference', 'engine-first']);
    expect(w.find('[data-testid=compare-paper]').exists()).toBe(false);

    await w.find('[data-testid=compare-paper-preset]').trigger('click');
    expect(kinds()).toEqual([...PAPER_PRESET]);
    await w.find('[data-testid=compare-run]').trigger('click');
    await flushPromises();
    expect(fake.callsOf('replayStart').map(([r]) => (r as { subject: unknown }).subject)).toEqual([
      { code: 'submission', source: expect.any(String) }, { code: 'policy', policy: 'best-address' }, { code: 'policy', policy: 'next-lifo' }, { code: 'policy', policy: 'buddy' },
    ]);
    expect(fake.callsOf('replayPolicies')).toEqual([[{ exercise: '08-fragmentation', trace: { trace: 'plateau' } }]]);

    fake.emit('replayDone', end('replay-1-a', 1000, 1065)); // your code: 6.5 %, between next fit address-ordered (6 %) and best fit LIFO (7 %)
    await flushPromises();
    const table = w.find('[data-testid=compare-paper-table]');
    const cells = table.findAll('tbody tr').map((tr) => tr.findAll('td, th').map((c) => c.text()));
    expect(cells).toHaveLength(12);
    expect(cells.slice(3, 8)).toEqual([
      ['4', 'next fit, LIFO charted', '4.0 %', '5.0 %', '6.0 %'],
      ['5', 'next fit, FIFO', '5.0 %', '6.0 %', '7.0 %'],
      ['6', 'next fit, address-ordered', '6.0 %', '7.0 %', '8.0 %'],
      ['7', 'your code charted', '6.5 %', '—', '—'],
      ['8', 'best fit, LIFO', '7.0 %', '8.0 %', '9.0 %'],
    ]);
    expect(cells[11]).toEqual(['—', 'simple segregated storage', 'plateau.trace:9: a 3 8: malloc(8) returned 0 (no memory)']);
    expect(w.find('[data-testid=compare-paper]').text()).toContain('Compare charts at most four allocators; this table ranks all eleven');
  });
});
