// The engine's public entry: everything exercises, the host and the views may use.
// engine/ is pure TypeScript (no Node, DOM, Electron or Vue) and deterministic.
// It re-exports the entries of hw, kernel, machine and format; grader, workload and quiz have
// entries of their own (engine/<folder>/index.ts).
export { EventLog, type EngineEvent, type MetadataKind } from './EventLog';
export { hex, hex32, hexFrom, lowerHex } from './format';
export * from './hw';
export * from './kernel';
export * from './machine';
