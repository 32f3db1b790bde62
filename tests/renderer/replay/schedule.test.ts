// The store's timing helpers: one application per frame of the newest value, latest-wins tickets,
// playback steps at a speed, the opening cursor of a finished replay, operations a second.
import { describe, expect, it } from 'vitest';
import { advance, coalescer, initialCursor, latestGate, maxStepFor, opsPerSecond } from '../../../renderer/src/replay/schedule';
import { manualFrames } from './fixtures';

describe('coalescer', () => {
  it('applies only the newest value pushed before a frame, once', () => {
    const f = manualFrames();
    const applied: number[] = [];
    const c = coalescer<number>((v) => applied.push(v), f.schedule, f.cancel);
    for (let i = 0; i < 1000; i++) c.push(i);
    expect(f.pending).toBe(1);
    expect(applied).toEqual([]);
    f.run();
    expect(applied).toEqual([999]);
    f.run();
    expect(applied).toEqual([999]);
    c.push(5);
    c.push(6);
    f.run();
    expect(applied).toEqual([999, 6]);
  });

  it('flushes the pending value now, and cancels it', () => {
    const f = manualFrames();
    const applied: string[] = [];
    const c = coalescer<string>((v) => applied.push(v), f.schedule, f.cancel);
    c.push('a');
    c.flush();
    expect(applied).toEqual(['a']);
    expect(f.pending).toBe(0);
    c.flush();
    expect(applied).toEqual(['a']);
    c.push('b');
    c.cancel();
    f.run();
    expect(applied).toEqual(['a']);
  });
});

describe('latestGate', () => {
  it('lets only the newest ticket through', () => {
    const gate = latestGate();
    const a = gate.next();
    const b = gate.next();
    expect(gate.isLatest(a)).toBe(false);
    expect(gate.isLatest(b)).toBe(true);
  });
});

describe('playback', () => {
  it('advances by whole operations at the speed, carrying fractions', () => {
    // 30 ops/s at 60 frames a second: a step every other frame.
    let carry = 0;
    const steps: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = advance(carry, 30, 1000 / 60, 100);
      steps.push(r.step);
      carry = r.carry;
    }
    expect(steps.reduce((a, b) => a + b, 0)).toBe(3);
    expect(steps.every((s) => s <= 1)).toBe(true);
    expect(advance(0, 6000, 1000 / 60, 1000).step).toBe(100);
  });

  it('caps a slow frame\'s step and drops the rest', () => {
    expect(advance(0, 1000, 2000, maxStepFor(1000))).toEqual({ step: 34, carry: 0 });
    expect(maxStepFor(10)).toBe(1);
    expect(advance(0.5, 100, -5, 10)).toEqual({ step: 0, carry: 0.5 });
  });

  it('opens at the wanted operation, within the states there are, and before a failure', () => {
    expect(initialCursor(50, 1000, null)).toBe(50);
    expect(initialCursor(5000, 1000, null)).toBe(999);
    expect(initialCursor(12, 12, 12)).toBe(11);
    expect(initialCursor(400, 12, 12)).toBe(11);
    expect(initialCursor(5, 12, 12)).toBe(5);
    expect(initialCursor(0, 0, 0)).toBe(-1);
    expect(initialCursor(3, 0, null)).toBe(-1);
  });

  it('counts operations a second', () => {
    expect(opsPerSecond(5000, 2000)).toBe(2500);
    expect(opsPerSecond(10, 0)).toBe(0);
  });
});
