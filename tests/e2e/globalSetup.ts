// Global setup of the end-to-end project: the tests serve the built renderer (dist/renderer/), so
// build it when it is missing or older than any renderer source (renderer/ and the contract it
// imports). Without Chromium the tests skip themselves: say so in one line and build nothing.
import { RENDERER_OUT, RENDERER_SOURCES, buildRenderer, staleBecause } from '../../electron/main/build';
import { CHROMIUM, HAS_CHROMIUM } from './lab';

export default function setup(): void {
  if (!HAS_CHROMIUM) {
    console.log(`[e2e] SKIPPED: ${CHROMIUM} is not installed (apt-get install -y chromium); the end-to-end tests in tests/e2e/ need Debian's Chromium.`);
    return;
  }
  const why = staleBecause(RENDERER_OUT, RENDERER_SOURCES);
  if (why === null) return;
  console.log(`[e2e] building the renderer (npm run build:renderer) because ${why}…`);
  const started = Date.now();
  try {
    buildRenderer(true);
  } catch (error) {
    throw new Error(`[e2e] ${(error as Error).message}\nThe end-to-end tests need dist/renderer/.`);
  }
  console.log(`[e2e] renderer built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
