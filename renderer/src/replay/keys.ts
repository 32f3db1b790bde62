// The Timeline's keyboard, pure: which action a key press means for the time-travel controls and
// for the heap map (when it has the focus), and the lists of keys the UI shows. Keys pressed with
// Ctrl, Alt or Meta are left to the browser.

export interface KeyPress {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

export type TimelineAction =
  | { do: 'toggle' }
  | { do: 'step'; by: number }
  | { do: 'first' }
  | { do: 'last' }
  | { do: 'failure' };

export type HeapAction =
  | { do: 'move'; cells: number; rows: number }
  | { do: 'pan'; windows: number }
  | { do: 'zoom'; factor: number }
  | { do: 'reset' };

const modified = (e: KeyPress) => Boolean(e.ctrlKey || e.altKey || e.metaKey);

/** The time-travel action of a key press: Space, ←/→ (Shift: 100 operations), Home, End, j; else null. */
export function timelineAction(e: KeyPress): TimelineAction | null {
  if (modified(e)) return null;
  switch (e.key) {
    case ' ': return { do: 'toggle' };
    case 'ArrowLeft': return { do: 'step', by: e.shiftKey ? -100 : -1 };
    case 'ArrowRight': return { do: 'step', by: e.shiftKey ? 100 : 1 };
    case 'Home': return { do: 'first' };
    case 'End': return { do: 'last' };
    case 'j': case 'J': return { do: 'failure' };
    default: return null;
  }
}

/**
 * The heap map's action of a key press: [ and ] move the cell cursor a cell, ↑ and ↓ a row, Page Up
 * and Page Down pan by half a window, + and - zoom, 0 resets; else null (← and → stay the
 * timeline's steps even on the map).
 */
export function heapAction(e: KeyPress): HeapAction | null {
  if (modified(e)) return null;
  switch (e.key) {
    case '[': return { do: 'move', cells: -1, rows: 0 };
    case ']': return { do: 'move', cells: 1, rows: 0 };
    case 'ArrowUp': return { do: 'move', cells: 0, rows: -1 };
    case 'ArrowDown': return { do: 'move', cells: 0, rows: 1 };
    case 'PageUp': return { do: 'pan', windows: -0.5 };
    case 'PageDown': return { do: 'pan', windows: 0.5 };
    case '+': case '=': return { do: 'zoom', factor: 0.5 };
    case '-': case '_': return { do: 'zoom', factor: 2 };
    case '0': return { do: 'reset' };
    default: return null;
  }
}

/** Whether a key press comes from a field that types text (its keys are its own). */
export function fromTextField(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el || typeof el.tagName !== 'string') return false;
  const tag = el.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
  return tag === 'INPUT' && !['range', 'checkbox', 'radio', 'button'].includes(String(el.type ?? 'text'));
}

/**
 * Whether the focused element handles a time-travel key itself (so the window leaves it alone): a
 * text field every key, a slider its arrows, Home and End (its own steps; not with Shift), a button
 * or a <summary> Space (a click).
 */
export function ownKey(target: EventTarget | null, action: TimelineAction, shiftKey = false): boolean {
  if (fromTextField(target)) return true;
  const el = target as { tagName?: string; type?: string } | null;
  const tag = typeof el?.tagName === 'string' ? el.tagName.toUpperCase() : '';
  if (tag === 'INPUT' && el?.type === 'range') return !shiftKey && (action.do === 'step' || action.do === 'first' || action.do === 'last');
  return action.do === 'toggle' && (tag === 'BUTTON' || tag === 'SUMMARY');
}

export const timelineKeys: [string, string][] = [
  ['Space', 'play / pause'],
  ['← →', 'step one operation'],
  ['Shift + ← →', '100 operations'],
  ['Home End', 'first / last state'],
  ['j', 'jump to the failing operation'],
];

export const heapKeys: [string, string][] = [
  ['[ ] ↑ ↓', 'move the cell cursor'],
  ['PgUp PgDn', 'pan'],
  ['+ −', 'zoom in / out'],
  ['0', 'whole heap'],
];
