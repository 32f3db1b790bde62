// Bench report helpers: the machine description, medians, number formats and the plain-text table.
import * as fs from 'node:fs';
import * as os from 'node:os';

/** One line: CPU model, cores, total RAM, OS, Node version, date (UTC). */
export function machineDescription(now: Date = new Date()): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const cores = os.availableParallelism();
  const ram = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`;
  let distro = '';
  try {
    distro = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    // no /etc/os-release (not Linux): the kernel line below is enough
  }
  const system = `${distro ? distro + ', ' : ''}${os.type()} ${os.release()} ${os.arch()}`;
  const date = now.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return `${cpu}, ${cores} cores, ${ram}, ${system}, Node ${process.version}, ${date}`;
}

/** Middle value (mean of the two middle values for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "61.4 ms" below 100 ms, "274 ms" above. */
export function ms(value: number): string {
  return `${value < 100 ? value.toFixed(1) : value.toFixed(0)} ms`;
}

/** Spread of a run set: "59.8–62.0 ms". */
export function spread(values: readonly number[]): string {
  return `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)} ms`;
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
}

export function opsPerSecond(ops: number, milliseconds: number, unit = 'ops'): string {
  return `${(ops / milliseconds / 1000).toFixed(2)} M ${unit}/s`;
}

/** Nanoseconds per operation when `ops` took `milliseconds`: "7.04 ns". */
export function nsPerOp(milliseconds: number, ops: number): string {
  return `${(milliseconds * 1e6 / ops).toFixed(2)} ns`;
}

/** "12.5 %" with enough digits to tell 99.99 % from 100 %. */
export function percent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)} %`;
}

/** Plain-text table: columns padded to their widest cell, a dashed rule under the header. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
