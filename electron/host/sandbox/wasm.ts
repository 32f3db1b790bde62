// One QuickJS WebAssembly instance per sandbox target, each with its own capped linear memory. The
// cap is the real memory limit: under Emscripten QuickJS's setMemoryLimit adds 8 bytes per
// allocation whatever its size (malloc_usable_size is 0 there; quickjs-emscripten issue #271), so
// it only refuses single oversized requests, and without a cap retained buffers would grow the
// host's memory without bound. The compiled module is shared; instances share nothing.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-wasmfile-release-sync';

const WASM_PAGE = 64 * 1024;
/** The variant's INITIAL_MEMORY: static data, the C stack and the first heap. */
export const WASM_INITIAL = 16 * 1024 * 1024;

// The WebAssembly global's values (this project's libs declare only its types).
type VariantOptions = NonNullable<Parameters<typeof newVariant>[1]>;
type WasmModule = Exclude<VariantOptions['wasmModule'], undefined | (() => unknown)>;
const wasm = (globalThis as unknown as { WebAssembly: {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Memory: new (descriptor: { initial: number; maximum: number }) => VariantOptions['wasmMemory'];
} }).WebAssembly;

let compiled: Promise<WasmModule> | null = null;

/**
 * A fresh QuickJS instance whose linear memory can never pass WASM_INITIAL + memoryLimit bytes:
 * past that, allocations fail inside QuickJS ('out of memory'). Assumes the release-sync variant.
 */
export async function newQuickJSInstance(memoryLimit: number): Promise<QuickJSWASMModule> {
  compiled ??= readFile(createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm'))
    .then((bytes) => wasm.compile(bytes))
    .catch((error: unknown) => {
      compiled = null;
      throw error;
    });
  const wasmModule = await compiled;
  const maximum = Math.ceil((WASM_INITIAL + memoryLimit) / WASM_PAGE);
  const wasmMemory = new wasm.Memory({ initial: WASM_INITIAL / WASM_PAGE, maximum });
  return newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmModule, wasmMemory }));
}
