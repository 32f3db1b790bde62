// Starts sandbox-host.ts in a worker thread through tsx (the bench runs TypeScript).
const { register } = await import('tsx/esm/api');
register();
await import('./sandbox-host.ts');
