#!/usr/bin/env node
// The `freenos-lab` executable (package.json "bin"): registers tsx, which compiles the lab's
// TypeScript on load, then runs the command line in freenos-lab.ts. Plain JavaScript so that Node
// can start it as it is, from a checkout or an installed package alike.
import { register } from 'tsx/esm/api';

register();
// Under `npm run cli` the working directory is the package's; paths on the command line mean the
// directory the user typed them in, which npm passes as INIT_CWD.
if (process.env.INIT_CWD && process.env.npm_lifecycle_event === 'cli') process.chdir(process.env.INIT_CWD);
await import('./freenos-lab.ts');
