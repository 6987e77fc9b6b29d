// Picks the engine the pre-annotation jobs use: the diffusion engine with the embedded model in assets/model (or a
// package folder the user chooses), or, with `engineModule` (a file exporting `engine: EnginePort`), a stand-in:
// the end-to-end tests plug in a deterministic one that way.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EnginePort } from '../services/engine-port.js';
import { repoRoot } from './workspace.js';

/** The embedded model package: assets/model (written by training/, see training/README.md), or $WORKBENCH_EMBEDDED_MODEL. */
export const embeddedModelDir = resolve(process.env.WORKBENCH_EMBEDDED_MODEL || join(repoRoot, 'assets', 'model'));

export async function loadEngine(engineModule?: string): Promise<EnginePort> {
  if (!engineModule) {
    // Loaded on demand: it brings onnxruntime and the tokenizer, which a stand-in engine does not need.
    const { DiffusionEnginePort } = await import('../engine/engine-port-adapter.js');
    return new DiffusionEnginePort({ embeddedDir: embeddedModelDir, engine: { device: 'auto' } });
  }
  const loaded = (await import(pathToFileURL(resolve(engineModule)).href)) as { engine?: EnginePort };
  if (!loaded.engine) throw new Error(`${engineModule} does not export \`engine\``);
  return loaded.engine;
}
