// Picks the engine the pre-annotation jobs use. `engineModule` (a file exporting `engine: EnginePort`) is how the
// end-to-end tests plug in a deterministic engine and how the diffusion engine is wired until its adapter lands.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unavailableEngine, type EnginePort } from '../services/engine-port.js';

export async function loadEngine(engineModule?: string): Promise<EnginePort> {
  if (!engineModule) return unavailableEngine;
  const loaded = (await import(pathToFileURL(resolve(engineModule)).href)) as { engine?: EnginePort };
  if (!loaded.engine) throw new Error(`${engineModule} does not export \`engine\``);
  return loaded.engine;
}
