// Starts targetHost.ts in a worker: tsx first (the tests run TypeScript), then the host itself.
const { register } = await import('tsx/esm/api');
register();
await import('./targetHost.ts');
