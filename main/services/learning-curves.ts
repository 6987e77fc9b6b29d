// Learning curves for the UI: the project's own versions (held-out F1 by training documents) and the results of
// `workbench simulate` runs: those saved under the data folder's simulations/ and the reference run shipped in
// assets/simulations/ (each a folder with a results.json).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Results } from '../../core/contract/methods.js';
import { simulationSeries, type CurveSeries } from '../../core/active-learning/learning-curve.js';
import type { Store } from '../../db/store.js';
import { repoRoot } from '../repo-root.js';

const BUNDLED = join(repoRoot, 'assets', 'simulations');

interface SimulationFile {
  devSentences?: number;
  runs?: { name: string; rounds: { labeled: number; dev: { f1: number } }[] }[];
}

function readSimulation(path: string): CurveSeries[] | undefined {
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as SimulationFile;
    return file.runs && simulationSeries(file.runs);
  } catch {
    return undefined; // a half-written or foreign file is not a curve
  }
}

export function learningCurves(store: Store, dataDir: string, projectId: number): Results['learning.curves'] {
  const active = store.models.active()?.id;
  const versions = store.models
    .list()
    .filter((m) => m.projectId === projectId)
    .flatMap((m) => {
      const metrics = (m.metrics ?? {}) as { heldoutF1?: number; trainDocs?: number; labels?: unknown };
      if (metrics.heldoutF1 === undefined || metrics.trainDocs === undefined) return [];
      // A model for the project's labels records them (project-train-service.ts); a fine-tune does not.
      const kind: 'train' | 'fine-tune' = Array.isArray(metrics.labels) ? 'train' : 'fine-tune';
      return [
        {
          modelId: m.id,
          name: m.name,
          version: m.version,
          kind,
          labeled: metrics.trainDocs,
          f1: metrics.heldoutF1,
          active: m.id === active,
        },
      ];
    });
  const points = versions.map(({ labeled, f1 }) => ({ labeled, f1 })).sort((a, b) => a.labeled - b.labeled);
  const simulations = [join(dataDir, 'simulations'), BUNDLED].flatMap((folder) =>
    existsSync(folder)
      ? readdirSync(folder, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .flatMap((d) => {
            const series = readSimulation(join(folder, d.name, 'results.json'));
            return series
              ? [{ source: d.name, title: `workbench simulate: ${d.name}`, series, bundled: folder === BUNDLED }]
              : [];
          })
      : [],
  );
  return { project: { name: 'held-out F1', points }, versions, simulations };
}
