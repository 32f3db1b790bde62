// 08-fragmentation starter: a config that works, badly, and no predictions yet. Change the config,
// fill in the predictions, then grade it:   npm run cli -- grade 08-fragmentation starter.ts
//
// The file must export plain data (no functions): the grader evaluates it in a sandbox and reads
// the default export. A field you leave out of `config` takes its default (see README.md).
import type { TuningSubmission } from 'freenos-lab';

const submission: TuningSubmission = {
  config: {
    sizeClasses: [],        // ascending block-size bounds of segregated lists; [] = one list
    fit: 'next',            // 'first' | 'next' | 'best'
    splitThreshold: 512,    // split a free block only when at least this many bytes are left over
    coalesce: 'deferred',   // 'immediate' | 'deferred' | 'never'
    order: 'lifo',          // 'lifo' | 'fifo' | 'address'
    growBy: 16384,          // grow the heap by at least this many bytes (a multiple of 8)
  },
  // Your prediction for each question of README.md (null: not answered yet).
  predictions: {
    'fit-plateau': null,          // 'first', 'next' or 'best'
    'order-random': null,         // 'lifo' or 'address'
    'coalesce-coalescing': null,  // 'immediate', 'deferred' or 'never'
    'work-plateau': null,         // 'first', 'next' or 'best'
    'heap-ramp': null,            // a number of bytes
    'fit-scatter': null,          // 'first', 'next' or 'best' (graded after the due date)
  },
};

export default submission;
