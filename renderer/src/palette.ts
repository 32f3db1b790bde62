// The views' colours: the Okabe–Ito palette (told apart with the common colour-vision deficiencies),
// each kind also given a pattern for canvases (so no kind depends on hue alone), for the heap map's
// cell kinds (contract's heapCellKinds), the frame map's owners and the charts' lines.

export type Pattern = 'solid' | 'hatch' | 'dots' | 'cross' | 'none';

export interface Swatch {
  colour: string;
  pattern: Pattern;
  /** The legend's words for it. */
  label: string;
}

export const okabeIto = {
  orange: '#E69F00', sky: '#56B4E9', green: '#009E73', yellow: '#F0E442',
  blue: '#0072B2', vermillion: '#D55E00', purple: '#CC79A7', grey: '#999999', black: '#000000',
} as const;

/** Heap-map cell kinds, in heapCellKinds' order (beyond, free, payload, overhead, metadata, padding). */
export const heapSwatches: Record<string, Swatch> = {
  beyond: { colour: 'transparent', pattern: 'none', label: 'beyond the heap' },
  free: { colour: okabeIto.yellow, pattern: 'hatch', label: 'free (a hole)' },
  payload: { colour: okabeIto.blue, pattern: 'solid', label: 'payload' },
  overhead: { colour: okabeIto.grey, pattern: 'dots', label: 'overhead (headers, padding: not told apart)' },
  metadata: { colour: okabeIto.vermillion, pattern: 'cross', label: 'allocator metadata (headers, footers)' },
  padding: { colour: okabeIto.sky, pattern: 'dots', label: 'padding' },
};

/** Frame owners (contract's MachineFrameRun.owner); Unknown and anything new fall back to grey. */
export const frameSwatches: Record<string, Swatch> = {
  Free: { colour: 'transparent', pattern: 'none', label: 'free' },
  Firmware: { colour: okabeIto.black, pattern: 'solid', label: 'firmware' },
  KernelImage: { colour: okabeIto.purple, pattern: 'solid', label: 'kernel image' },
  BootImage: { colour: okabeIto.purple, pattern: 'hatch', label: 'boot image' },
  KernelHeap: { colour: okabeIto.orange, pattern: 'solid', label: 'kernel heap' },
  Directory: { colour: okabeIto.vermillion, pattern: 'cross', label: 'page directory' },
  PageTable: { colour: okabeIto.vermillion, pattern: 'hatch', label: 'page table' },
  KernelStack: { colour: okabeIto.orange, pattern: 'dots', label: 'kernel stack' },
  Process: { colour: okabeIto.blue, pattern: 'solid', label: 'process page' },
  Share: { colour: okabeIto.green, pattern: 'hatch', label: 'shared memory' },
  Shared: { colour: okabeIto.green, pattern: 'solid', label: 'shared (copy-on-write)' },
  Unknown: { colour: okabeIto.grey, pattern: 'dots', label: 'unknown' },
};

/** Line colours for overlaid series (Compare), in order; dashes tell them apart without colour. */
export const lineStyles: { colour: string; dash: number[] }[] = [
  { colour: okabeIto.blue, dash: [] },
  { colour: okabeIto.vermillion, dash: [6, 3] },
  { colour: okabeIto.green, dash: [2, 2] },
  { colour: okabeIto.purple, dash: [8, 3, 2, 3] },
  { colour: okabeIto.orange, dash: [12, 4] },
  { colour: okabeIto.sky, dash: [4, 4] },
];
