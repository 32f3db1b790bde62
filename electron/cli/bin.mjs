#!/usr/bin/env node
// The `freenos-lab` executable (package.json "bin"): registers tsx, which compiles the lab's
// TypeScript on load, then runs the command line in freenos-lab.ts. Plain JavaScript so that Node
// can start it as it is, from a checkout or an installed package alike.
import { register } from 'tsx/esm/api';

register();
await import('./freenos-lab.ts');
