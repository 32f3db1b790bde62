// Electron's main entry (package.json "main"): registers tsx, as the command line does, so the
// main process runs the TypeScript sources, then starts main.ts.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
