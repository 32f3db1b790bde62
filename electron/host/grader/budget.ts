// A test's time limit as the grading job spends it: work units counted by the sandbox's meter (the
// limit at the nominal speed, so a verdict does not depend on the machine or its load), shared by the
// test's traces, with a generous wall-clock backstop for work no unit sees.
import { UNITS_PER_SECOND } from '../sandbox/options';
import type { SandboxBudget } from '../sandbox/SandboxTarget';

/**
 * What is left of a test's time limit, shared by its traces: work units (the limit at the nominal
 * speed, so the verdict does not depend on the machine's load) and a generous wall-clock backstop.
 */
export interface TestBudget {
  units: number;
  wallEnd: number;
  limitMs: number;
}

/** A fresh budget for a test whose limit is `limitMs`: its units, and three times the limit and 5 s more of wall clock. */
export function testBudget(limitMs: number): TestBudget {
  return { units: Math.round((limitMs / 1000) * UNITS_PER_SECOND), wallEnd: performance.now() + 3 * limitMs + 5000, limitMs };
}

/** Whether a test's budget is used up. */
export function spent(budget: TestBudget): boolean {
  return budget.units <= 0 || performance.now() >= budget.wallEnd;
}

/** Puts `budget` on a target for one trace; returns what to call after it to charge the budget. */
export function applyBudget(target: SandboxBudget, budget: TestBudget | null): () => void {
  if (!budget) return () => {};
  target.setBudget(budget.units, Math.max(1, budget.wallEnd - performance.now()), budget.limitMs);
  const before = target.used();
  return () => {
    budget.units -= target.used() - before;
  };
}

