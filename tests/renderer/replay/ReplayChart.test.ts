// @vitest-environment happy-dom
// ReplayChart (shared by the Timeline and Compare): one Chart.js chart made once and updated in
// place as new charts stream in (three datasets a line: band max, band min, last), the lines'
// legend with their dashes, a click seeking to an operation, and the table (prop or toggle) whose
// rows seek. Canvas contexts are a do-nothing stand-in here (happy-dom has none).
import { mount } from '@vue/test-utils';
import { Chart } from 'chart.js';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ReplayChart from '../../../renderer/src/components/replay/ReplayChart.vue';
import { lineStyles } from '../../../renderer/src/palette';
import { charts } from './fixtures';

/** A 2D context whose methods do nothing (measureText measures 6 px a character). */
function fakeContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const values: Record<string | symbol, unknown> = { canvas };
  return new Proxy({} as CanvasRenderingContext2D, {
    get: (_t, key) => {
      if (key in values) return values[key];
      if (typeof key !== 'string' || key === 'length' || key === 'then' || /^\d+$/.test(key)) return undefined;
      if (key === 'measureText') return (text: string) => ({ width: 6 * String(text).length });
      if (key === 'getLineDash') return () => [];
      if (key === 'createLinearGradient' || key === 'createPattern') return () => ({ addColorStop() {} });
      return () => undefined;
    },
    set: (_t, key, value) => { values[key] = value; return true; },
  });
}

/** Animation frames asked for, run by hand (chart updates wait for one). */
const frames: ((t: number) => void)[] = [];
const runFrames = () => { while (frames.length) frames.splice(0).forEach((fn) => fn(0)); };

beforeEach(() => {
  setActivePinia(createPinia());
  vi.stubGlobal('requestAnimationFrame', (fn: (t: number) => void) => frames.push(fn));
  vi.stubGlobal('cancelAnimationFrame', () => {});
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement) { return fakeContext(this); } as never);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  frames.length = 0;
});

const instances = () => Object.keys(Chart.instances).length;

describe('ReplayChart', () => {
  it('makes one chart and updates its datasets in place as the data streams', async () => {
    const before = instances();
    const w = mount(ReplayChart, { props: { title: 'Holes', series: 'holes', lines: [{ label: 'a', charts: charts(10) }], unit: 'count' }, attachTo: document.body });
    expect(instances()).toBe(before + 1);
    const chart = Chart.getChart(w.find('canvas').element)!;
    const sets = chart.data.datasets;
    expect(sets.map((d) => d.label)).toEqual(['max', 'min', 'a']);
    expect(sets[2]!.data.length).toBe(10);
    const update = vi.spyOn(chart, 'update');
    for (let n = 20; n <= 100; n += 20) await w.setProps({ lines: [{ label: 'a', charts: charts(n, {}, 10) }] });
    // Five new data sets before a frame: one update, at the frame.
    expect(update).not.toHaveBeenCalled();
    runFrames();
    expect(update.mock.calls).toEqual([['none']]);
    expect(instances()).toBe(before + 1);
    expect(Chart.getChart(w.find('canvas').element)).toBe(chart);
    expect(chart.data.datasets).toBe(sets);
    expect(sets[2]!.data).toEqual(Array.from({ length: 10 }, (_, i) => ({ x: 10 * i, y: 10 * i + 9 })));
    // Buckets of 10 operations have a band (min ≠ max): it is drawn, max filled down to min.
    expect(sets[0]!.data[1]).toEqual({ x: 10, y: 19 });
    expect(sets[1]!.data[1]).toEqual({ x: 10, y: 10 });
    expect((sets[0] as { fill?: unknown }).fill).toBe('+1');
    expect(chart.options.scales!.x!.max).toBe(99);
    expect(chart.options.animation).toBe(false);
    // A moved cursor only redraws.
    const draw = vi.spyOn(chart, 'draw');
    await w.setProps({ cursor: 40 });
    runFrames();
    expect(draw).toHaveBeenCalledTimes(1);
    expect(update.mock.calls.length).toBe(1);
    w.unmount();
    expect(instances()).toBe(before);
  });

  it('draws each line in its palette colour and dash, with a legend, and seeks where clicked', async () => {
    const w = mount(ReplayChart, {
      props: { title: 'Heap', series: 'heap', unit: 'bytes', cursor: 5, lines: [{ label: 'first fit', charts: charts(50) }, { label: 'best fit', charts: charts(40) }] },
      attachTo: document.body,
    });
    const chart = Chart.getChart(w.find('canvas').element)!;
    const lasts = [chart.data.datasets[2]!, chart.data.datasets[5]!] as { borderColor?: unknown; borderDash?: unknown }[];
    expect(lasts.map((d) => [d.borderColor, d.borderDash])).toEqual([[lineStyles[0]!.colour, lineStyles[0]!.dash], [lineStyles[1]!.colour, lineStyles[1]!.dash]]);
    expect(w.findAll('.lines li').map((l) => l.text())).toEqual(['first fit', 'best fit']);
    expect(w.findAll('.lines line').map((l) => l.attributes('stroke-dasharray'))).toEqual(['', lineStyles[1]!.dash.join(' ')]);
    const onClick = chart.options.onClick as (e: unknown, a: unknown[], c: Chart) => void;
    vi.spyOn(chart.scales.x!, 'getValueForPixel').mockReturnValue(17.4);
    onClick({ x: 123 }, [], chart);
    vi.spyOn(chart.scales.x!, 'getValueForPixel').mockReturnValue(1e6);
    onClick({ x: 999 }, [], chart);
    expect(w.emitted('seek')).toEqual([[17], [49]]);
    w.unmount();
  });

  it('shows the table from the prop or the toggle, a line\'s values side by side, and seeks from a row', async () => {
    const a = charts(3, { rss: [0.1, 0.2, 0.3] });
    const w = mount(ReplayChart, { props: { title: 'RSS', series: 'rss', unit: 'ratio', table: true, lines: [{ label: 'a', charts: a }, { label: 'b', charts: null }] } });
    const headers = w.findAll('thead th').map((h) => h.text());
    expect(headers).toEqual(['operations', 'a min', 'a max', 'a last', 'b min', 'b max', 'b last']);
    expect(w.findAll('tbody tr')[1]!.findAll('td').map((d) => d.text())).toEqual(['20.0 %', '20.0 %', '20.0 %', '—']);
    await w.findAll('tbody tr')[2]!.find('button').trigger('click');
    expect(w.emitted('seek')).toEqual([[2]]);
    await w.find('[data-testid=chart-table-rss]').trigger('click');
    expect(w.find('table').exists()).toBe(false);
    expect(w.find('[data-testid=chart-table-rss]').attributes('aria-pressed')).toBe('false');
    w.unmount();
  });

  it('stretches the x axis to a marker past the last operation (a failing operation)', async () => {
    const w = mount(ReplayChart, { props: { title: 'Holes', series: 'holes', lines: [{ label: 'a', charts: charts(12) }], marker: 12 }, attachTo: document.body });
    const chart = Chart.getChart(w.find('canvas').element)!;
    expect(chart.options.scales!.x!.max).toBe(12);
    await w.setProps({ marker: null });
    runFrames();
    expect(chart.options.scales!.x!.max).toBe(11);
    w.unmount();
  });

  it('shows a note under the legend (coinciding lines), draws the lines at their widths, and says it to screen readers', async () => {
    const lines = [{ label: 'a', charts: charts(10) }, { label: 'b', charts: charts(10) }];
    const note = 'a and b coincide on this chart (drawn on top of each other, each line wider than the one above it).';
    const w = mount(ReplayChart, { props: { title: 'Holes', series: 'holes', unit: 'count', lines, note, widths: [2, 5] }, attachTo: document.body });
    expect(w.find('[data-testid=chart-note-holes]').text()).toBe(note);
    const chart = Chart.getChart(w.find('canvas').element)!;
    expect([chart.data.datasets[2]!.borderWidth, chart.data.datasets[5]!.borderWidth]).toEqual([2, 5]);
    // The widened line is a solid halo with round joins, in the legend too; the one on top keeps its dash.
    const lasts = [chart.data.datasets[2]!, chart.data.datasets[5]!] as { borderDash?: unknown; borderJoinStyle?: unknown }[];
    expect(lasts.map((d) => [d.borderDash, d.borderJoinStyle])).toEqual([[lineStyles[0]!.dash, 'miter'], [[], 'round']]);
    expect(w.findAll('.lines line').map((l) => [l.attributes('stroke-width'), l.attributes('stroke-dasharray')])).toEqual([['2', ''], ['5', '']]);
    expect(w.find('canvas').attributes('aria-label')).toBe(`Holes: a 9 at operation 9; b 9 at operation 9. ${note}`);
    await w.setProps({ note: null, widths: undefined });
    runFrames();
    expect(w.find('[data-testid=chart-note-holes]').exists()).toBe(false);
    expect(chart.data.datasets[5]!.borderWidth).toBe(2);
    expect((chart.data.datasets[5] as { borderDash?: unknown }).borderDash).toEqual(lineStyles[1]!.dash);
    w.unmount();
  });

  it('says what a work unit is under a chart of work, and nowhere else', () => {
    const work = mount(ReplayChart, { props: { title: 'Search cost: work units per operation', series: 'work', unit: 'work', lines: [{ label: 'a', charts: charts(3) }] } });
    const hint = work.find('[data-testid=chart-unit-work]');
    expect(hint.text()).toBe("One work unit = one call or loop step of the allocator's code, or one heap access.");
    expect(hint.attributes('title')).toMatch(/catch or finally block costs 1,000/);
    work.unmount();
    const holes = mount(ReplayChart, { props: { title: 'Holes', series: 'holes', unit: 'count', lines: [{ label: 'a', charts: charts(3) }] } });
    expect(holes.find('[data-testid^=chart-unit-]').exists()).toBe(false);
    holes.unmount();
  });

  it('steps a byte axis by powers of two bytes and labels it in binary units', () => {
    const MiB = 1024 * 1024;
    const heap = Array.from({ length: 20 }, (_, i) => (i + 1) * 0.095 * MiB); // up to 1.9 MiB
    const w = mount(ReplayChart, { props: { title: 'Heap size', series: 'heap', unit: 'bytes', lines: [{ label: 'a', charts: charts(20, { heap }) }] }, attachTo: document.body });
    const chart = Chart.getChart(w.find('canvas').element)!;
    const y = chart.scales.y!;
    expect(y.max).toBe(2 * MiB);
    expect(y.ticks.map((t) => t.value)).toEqual([0, 0.5 * MiB, MiB, 1.5 * MiB, 2 * MiB]);
    const callback = (chart.options.scales!.y!.ticks as { callback: (v: number, i: number, t: { value: number }[]) => string }).callback;
    expect(y.ticks.map((t, i) => callback.call(y, t.value, i, y.ticks))).toEqual(['0', '512 KiB', '1.0 MiB', '1.5 MiB', '2.0 MiB']);
    w.unmount();
  });

  it('describes its lines for screen readers', () => {
    const w = mount(ReplayChart, { props: { title: 'Utilization', series: 'utilization', unit: 'ratio', lines: [{ label: 'mine', charts: charts(4, { payload: [1, 2, 3, 4], heap: [8, 8, 8, 8] }) }, { label: 'ref', charts: null }] } });
    expect(w.find('canvas').attributes('aria-label')).toBe('Utilization: mine 50.0 % at operation 3; ref: no data yet.');
    expect(w.find('canvas').attributes('role')).toBe('img');
    w.unmount();
  });
});
