// The Timeline's keys: time travel (Space, arrows, Shift+arrows by 100, Home, End, j), the heap
// map's (cursor, pan, zoom, reset), modified keys left to the browser, and text fields left alone.
import { describe, expect, it } from 'vitest';
import { fromTextField, heapAction, heapKeys, ownKey, timelineAction, timelineKeys } from '../../../renderer/src/replay/keys';

describe('timelineAction', () => {
  it('maps the documented keys', () => {
    expect(timelineAction({ key: ' ' })).toEqual({ do: 'toggle' });
    expect(timelineAction({ key: 'ArrowLeft' })).toEqual({ do: 'step', by: -1 });
    expect(timelineAction({ key: 'ArrowRight' })).toEqual({ do: 'step', by: 1 });
    expect(timelineAction({ key: 'ArrowLeft', shiftKey: true })).toEqual({ do: 'step', by: -100 });
    expect(timelineAction({ key: 'ArrowRight', shiftKey: true })).toEqual({ do: 'step', by: 100 });
    expect(timelineAction({ key: 'Home' })).toEqual({ do: 'first' });
    expect(timelineAction({ key: 'End' })).toEqual({ do: 'last' });
    expect(timelineAction({ key: 'j' })).toEqual({ do: 'failure' });
    expect(timelineAction({ key: 'x' })).toBeNull();
  });

  it('leaves keys with Ctrl, Alt or Meta to the browser', () => {
    expect(timelineAction({ key: 'ArrowLeft', altKey: true })).toBeNull();
    expect(timelineAction({ key: 'j', ctrlKey: true })).toBeNull();
    expect(timelineAction({ key: ' ', metaKey: true })).toBeNull();
  });

  it('documents every key it handles', () => {
    expect(timelineKeys.map(([k]) => k)).toEqual(['Space', '← →', 'Shift + ← →', 'Home End', 'j']);
  });
});

describe('heapAction', () => {
  it('moves the cursor with [ ] ↑ ↓, pans with Page Up/Down, zooms with + and -, resets with 0', () => {
    expect(heapAction({ key: ']' })).toEqual({ do: 'move', cells: 1, rows: 0 });
    expect(heapAction({ key: '[' })).toEqual({ do: 'move', cells: -1, rows: 0 });
    expect(heapAction({ key: 'ArrowUp' })).toEqual({ do: 'move', cells: 0, rows: -1 });
    expect(heapAction({ key: 'ArrowDown' })).toEqual({ do: 'move', cells: 0, rows: 1 });
    expect(heapAction({ key: 'PageUp' })).toEqual({ do: 'pan', windows: -0.5 });
    expect(heapAction({ key: 'PageDown' })).toEqual({ do: 'pan', windows: 0.5 });
    // ← and → stay the timeline's, even on the map.
    expect(heapAction({ key: 'ArrowLeft' })).toBeNull();
    expect(heapAction({ key: 'ArrowRight', shiftKey: true })).toBeNull();
    expect(heapAction({ key: '+' })).toEqual({ do: 'zoom', factor: 0.5 });
    expect(heapAction({ key: '=' })).toEqual({ do: 'zoom', factor: 0.5 });
    expect(heapAction({ key: '-' })).toEqual({ do: 'zoom', factor: 2 });
    expect(heapAction({ key: '0' })).toEqual({ do: 'reset' });
    expect(heapAction({ key: ' ' })).toBeNull();
    expect(heapAction({ key: '+', ctrlKey: true })).toBeNull();
    expect(heapKeys.length).toBe(4);
  });
});

describe('ownKey', () => {
  const el = (tagName: string, type?: string) => ({ tagName, type }) as unknown as EventTarget;
  it('leaves a slider its arrows, Home and End (not with Shift), buttons their Space, fields everything', () => {
    const range = el('INPUT', 'range');
    expect(ownKey(range, { do: 'step', by: 1 })).toBe(true);
    expect(ownKey(range, { do: 'last' })).toBe(true);
    expect(ownKey(range, { do: 'step', by: 100 }, true)).toBe(false);
    expect(ownKey(range, { do: 'toggle' })).toBe(false);
    expect(ownKey(range, { do: 'failure' })).toBe(false);
    expect(ownKey(el('BUTTON'), { do: 'toggle' })).toBe(true);
    expect(ownKey(el('summary'), { do: 'toggle' })).toBe(true);
    expect(ownKey(el('BUTTON'), { do: 'step', by: 1 })).toBe(false);
    expect(ownKey(el('INPUT', 'text'), { do: 'failure' })).toBe(true);
    expect(ownKey(el('CANVAS'), { do: 'step', by: -1 })).toBe(false);
    expect(ownKey(null, { do: 'toggle' })).toBe(false);
  });
});

describe('fromTextField', () => {
  it('is true for typing fields and false for sliders, buttons and the rest', () => {
    const el = (tagName: string, type?: string) => ({ tagName, type }) as unknown as EventTarget;
    expect(fromTextField(el('INPUT', 'text'))).toBe(true);
    expect(fromTextField(el('input'))).toBe(true);
    expect(fromTextField(el('TEXTAREA'))).toBe(true);
    expect(fromTextField(el('SELECT'))).toBe(true);
    expect(fromTextField(el('INPUT', 'range'))).toBe(false);
    expect(fromTextField(el('BUTTON'))).toBe(false);
    expect(fromTextField(el('CANVAS'))).toBe(false);
    expect(fromTextField(null)).toBe(false);
    expect(fromTextField({ tagName: 'DIV', isContentEditable: true } as unknown as EventTarget)).toBe(true);
  });
});
