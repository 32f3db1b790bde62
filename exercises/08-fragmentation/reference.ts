// 08-fragmentation reference: the config that scores full marks on every workload, and the right
// predictions (the instructor's copy only: a student pack leaves this file out).
//
// Why this config: best fit keeps the big free blocks whole for the big requests; address-ordered
// lists make every search see the low holes first, so the top of the heap stays free and the heap
// grows late; immediate coalescing leaves no two free blocks side by side; growing by exactly what
// is missing (growBy 8) leaves no unused tail at the peak. The size classes do not change which
// block best fit picks (a larger class holds only larger blocks): they only make the search shorter.
//
// Utilization (%) of each config on each trace, measured with the engine (every other knob at its
// default; 'starter' is starter.ts's config). Kept here, not in README.md: it would answer the questions.
//
//   config                plateau  uniform  lognorm  adv-nf  adv-ff  coalesc  peak  ramp  mean
//   defaults                 71.4     78.7     67.1    27.4    54.2     96.1  95.1  99.4  73.7
//   starter                  64.2     77.5     60.4    28.8    40.7     78.1  90.3  98.9  67.4
//   fit next                 76.5     81.5     67.1    64.0    54.2     96.1  97.3  99.4  79.5
//   fit best                 88.0     92.4     88.7    72.0    57.4     96.1  98.2  99.4  86.5
//   order address            83.4     87.0     85.6    72.0    54.2     96.1  97.7  99.4  84.4
//   coalesce deferred        67.6     73.5     57.7    26.2    51.4     96.1  94.7  99.4  70.8
//   coalesce never           16.9     21.3     24.1     4.7     9.3     10.5  48.8  78.2  26.7
//   splitThreshold 256       69.1     78.0     63.5    30.3    51.4     96.1  94.7  98.7  72.7
//   growBy 8                 71.1     79.2     63.7    31.9    54.9     98.4  96.5  99.4  74.4
//   growBy 65536             66.9     76.7     62.9    18.0    30.5     78.1  88.8  98.1  65.0
//   sizeClasses 64..4096     81.3     87.0     83.8    72.0    54.2     96.1  98.2  99.4  84.0
//   this reference           88.4     92.4     88.9    81.3    57.4     98.4  98.4  99.4  88.1
//
// Hidden traces (reference / defaults / starter): hidden-plateau 86.3 / 68.6 / 62.0, hidden-random
// 90.7 / 77.7 / 74.1, hidden-scatter 80.5 / 23.4 / 35.2. The workload bands in exercise.yaml end
// just below this reference's utilization, so it scores full marks.
import type { TuningSubmission } from 'freenos-lab';

const submission: TuningSubmission = {
  config: {
    sizeClasses: [64, 128, 256, 512, 1024, 2048, 4096],
    fit: 'best',
    splitThreshold: 16,
    coalesce: 'immediate',
    order: 'address',
    growBy: 8,
  },
  predictions: {
    'fit-plateau': 'best',
    'order-random': 'address',
    'coalesce-coalescing': 'never',
    'work-plateau': 'best',
    'heap-ramp': 4141072,
    'fit-scatter': 'first',
  },
};

export default submission;
