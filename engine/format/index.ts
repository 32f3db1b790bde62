// engine/format's entry: the text forms of numbers shared by the engine, the host and the views
// (the one engine folder the renderer may import: it imports nothing).
export { hex, hex32, hexFrom, lowerHex } from './hex';
