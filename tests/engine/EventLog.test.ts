// EventLog: marks, since(), capture(): what an operation did comes back as plain data.
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../engine/index';

describe('EventLog', () => {
  it('keeps events in order and returns those after a mark', () => {
    const log = new EventLog();
    log.push({ type: 'release', allocator: 'a', address: 1, result: 0 });
    const mark = log.mark();
    log.push({ type: 'release', allocator: 'a', address: 2, result: 0 });
    expect(mark).toBe(1);
    expect(log.since(mark)).toEqual([{ type: 'release', allocator: 'a', address: 2, result: 0 }]);
    expect(log.events).toHaveLength(2);
    log.clear();
    expect(log.events).toEqual([]);
  });

  it('capture returns the function\'s value and exactly its events', () => {
    const log = new EventLog();
    log.push({ type: 'release', allocator: 'before', address: 0, result: 0 });
    const { value, events } = log.capture(() => {
      log.push({ type: 'release', allocator: 'inside', address: 4, result: 1 });
      return 42;
    });
    expect(value).toBe(42);
    expect(events).toEqual([{ type: 'release', allocator: 'inside', address: 4, result: 1 }]);
  });
});
