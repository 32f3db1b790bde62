// Program: a program image as data. The machine has no instruction-set CPU: a program is its
// segments (where its image lives and with what access) and a script of what it does. Loads and
// stores in the script go through the MMU, so faults and permissions are real.
//
//   {
//     "name": "hog",                                  the file name, as execve and spawn look it up
//     "entry": 2147483648,                            entry point (default: the first segment)
//     "segments": [{ "virt": 2147483648, "size": 8192, "access": "rwx", "fill": 0 }],
//     "argv": ["hog", "64"],                          default arguments
//     "script": [{ "op": "malloc", "size": 4096, "as": "buffer" }, { "op": "exit", "status": 0 }]
//   }
//
// Numbers may be written as numbers or as strings ("0x80000000", "64K", "2M"). Script steps:
//   read / write {address | region | at, offset?, size, value?}   loads or stores through the MMU
//   touch {address | region | at, offset?, size}                    writes one byte in every page
//   (at names a variable set by malloc, e.g. {"op": "touch", "at": "buffer", "size": 65536})
//   malloc {size, as?}   free {name}   fork {child: [steps], as?}   execve {path, argv?}
//   spawn {path, argv?, as?}   launch {path, argv?, as?} (ApplicationLauncher: fork + execve)
//   wait {pid | name}   kill {pid | name, status?}   sleep {steps}   print {text}
//   repeat {times, body: [steps]}   exit {status}
// print's text may name variables in braces: "hog exited with {status}".
// A script that ends without exit exits with status 0.

export type Step =
  | { op: 'read' | 'write' | 'touch'; address?: number; region?: RegionName; at?: string; offset: number; size: number; value?: number }
  | { op: 'malloc'; size: number; as?: string }
  | { op: 'free'; name: string }
  | { op: 'fork'; child: Step[]; as?: string }
  | { op: 'execve'; path: string; argv?: string[] }
  | { op: 'spawn' | 'launch'; path: string; argv?: string[]; as?: string }
  | { op: 'wait'; pid?: number; name?: string }
  | { op: 'kill'; pid?: number; name?: string; status?: number }
  | { op: 'sleep'; steps: number }
  | { op: 'print'; text: string }
  | { op: 'repeat'; times: number; body: Step[] }
  | { op: 'exit'; status: number };

export type RegionName = 'UserData' | 'UserHeap' | 'UserStack' | 'UserPrivate' | 'UserShare' | 'UserArgs';
export const RegionNames: RegionName[] = ['UserData', 'UserHeap', 'UserStack', 'UserPrivate', 'UserShare', 'UserArgs'];

export interface Segment {
  virt: number;
  size: number;
  /** Memory.Access flags (User is always added). */
  access: number;
  /** The byte the segment is filled with (its "file contents"); 0 by default. */
  fill: number;
}

export interface ProgramImage {
  name: string;
  entry: number;
  segments: Segment[];
  argv: string[];
  script: Step[];
}

/** A program image that failed validation; `field` is a path such as "script[2].size". */
export class ProgramError extends Error {
  constructor(readonly file: string, readonly field: string, readonly reason: string) {
    super(`${file}: ${field}: ${reason}`);
    this.name = 'ProgramError';
  }
}
