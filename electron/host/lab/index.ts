// The lab host's entry: createLabHost and its types (Electron's main process and the web mode import this).
export { createLabHost, DEFAULT_WORKSPACE, type LabHost, type LabHostOptions, type LabListener } from './LabHost';
