// The frame queue spreading chart updates: jobs run at a frame until the budget is spent (one at
// least), the rest at later frames; a key queued again keeps one job (the newest) in its place.
import { describe, expect, it } from 'vitest';
import { frameQueue } from '../../../renderer/src/replay/frameQueue';

function setup(costMs: number, budgetMs: number) {
  const frames: (() => void)[] = [];
  let clock = 0;
  const ran: string[] = [];
  const q = frameQueue((fn) => frames.push(() => fn(0)), () => { frames.length = 0; }, () => clock, budgetMs);
  const job = (name: string) => () => { ran.push(name); clock += costMs; };
  const frame = () => frames.splice(0).forEach((fn) => fn());
  return { q, ran, job, frame, frames };
}

describe('frameQueue', () => {
  it('runs jobs until the frame\'s budget is spent, the rest at the next frames', () => {
    const { q, ran, job, frame } = setup(3, 4);
    const keys = [{}, {}, {}, {}, {}];
    keys.forEach((k, i) => q.queue(k, job(`c${i}`)));
    expect(ran).toEqual([]);
    frame();
    expect(ran).toEqual(['c0', 'c1']);
    frame();
    expect(ran).toEqual(['c0', 'c1', 'c2', 'c3']);
    frame();
    expect(ran).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect(q.size).toBe(0);
  });

  it('runs one job a frame at least, however long it takes', () => {
    const { q, ran, job, frame } = setup(50, 4);
    q.queue({}, job('a'));
    q.queue({}, job('b'));
    frame();
    expect(ran).toEqual(['a']);
    frame();
    expect(ran).toEqual(['a', 'b']);
  });

  it('keeps one job per key, the newest, in the key\'s place; drops on request', () => {
    const { q, ran, job, frame, frames } = setup(0, 4);
    const a = {}, b = {}, c = {};
    q.queue(a, job('a1'));
    q.queue(b, job('b1'));
    q.queue(a, job('a2'));
    q.queue(c, job('c1'));
    q.drop(c);
    expect(frames.length).toBe(1);
    frame();
    expect(ran).toEqual(['a2', 'b1']);
    q.queue(a, job('a3'));
    q.drop(a);
    expect(frames.length).toBe(0);
    frame();
    expect(ran).toEqual(['a2', 'b1']);
  });
});
