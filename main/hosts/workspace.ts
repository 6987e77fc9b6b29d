// Opens a workbench data folder for the UI hosts: the database (created and migrated on first use), a default
// project with the label set the embedded model knows, and on a first launch the sample documents.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { codecFor } from '../../core/codecs/registry.js';
import { openDatabase } from '../../db/open-database.js';
import { Store } from '../../db/store.js';
import { HOST_DB_NAME } from './data-dir.js';
import { recoverImports } from '../services/import-publish.js';
import { importPath } from '../services/import-service.js';

/** The labels of the default project, in shortcut order (1..9, 0): PhoNER_COVID19's, which the embedded model tags. */
export const DEFAULT_LABELS = [
  'PATIENT_ID',
  'NAME',
  'AGE',
  'GENDER',
  'JOB',
  'LOCATION',
  'ORGANIZATION',
  'DATE',
  'SYMPTOM_AND_DISEASE',
  'TRANSPORTATION',
];
export const DEFAULT_PROJECT = 'Y tế';

import { repoRoot } from '../repo-root.js';

export { repoRoot };
export const samplesDir = join(repoRoot, 'assets', 'samples');

export interface Workspace {
  store: Store;
  dataDir: string;
  dbPath: string;
  /** The project the sample documents were imported into on this (first) start; see preannotateSamples. */
  samplesProject?: number;
}

/** Opens (creating when needed) the data folder's database; seeds the default project and, if asked, the samples. */
export async function openWorkspace(dataDir: string, options: { samples: boolean }): Promise<Workspace> {
  mkdirSync(dataDir, { recursive: true });
  const dbPath = join(dataDir, HOST_DB_NAME);
  const store = new Store(openDatabase(dbPath));
  // What a killed process left half-imported is finished (if it was publishing) or dropped, before anything reads.
  await recoverImports(store);
  if (store.projects.list().length === 0) {
    const project = store.transaction(() => {
      const created = store.projects.create(DEFAULT_PROJECT, 'Thực thể có tên lồng nhau trong văn bản y tế tiếng Việt');
      for (const name of DEFAULT_LABELS) store.labels.add(created.id, { name });
      store.events.append({
        type: 'project-created',
        actor: 'workbench',
        projectId: created.id,
        payload: { labels: DEFAULT_LABELS },
      });
      return created;
    });
    if (options.samples && existsSync(samplesDir)) {
      for (const file of readdirSync(samplesDir)
        .filter((f) => f.endsWith('.txt'))
        .sort()) {
        await importPath(store, join(samplesDir, file), {
          projectId: project.id,
          format: codecFor('text'),
          variant: 'lines',
          actor: 'workbench',
        });
      }
      return { store, dataDir, dbPath, samplesProject: project.id };
    }
  }
  return { store, dataDir, dbPath };
}

/** The part of the service a first start uses (WorkbenchService has it). */
interface PreannotatePort {
  'models.list'(): Promise<{ models: { kind: string; available: boolean }[] }>;
  'preannotate.start'(p: { projectId: number; scope: 'unfinished'; model: { kind: 'embedded' } }): Promise<unknown>;
}

/**
 * On the first start with the samples, starts pre-annotating them with the embedded model (as a job the UI shows),
 * so they open with suggestions, as the README says. Nothing happens when the embedded model is not built.
 */
export async function preannotateSamples(
  service: PreannotatePort,
  workspace: Workspace,
  log: (message: string) => void,
): Promise<void> {
  if (workspace.samplesProject === undefined) return;
  try {
    const { models } = await service['models.list']();
    if (!models.some((m) => m.kind === 'embedded' && m.available)) return;
    await service['preannotate.start']({
      projectId: workspace.samplesProject,
      scope: 'unfinished',
      model: { kind: 'embedded' },
    });
  } catch (error) {
    log(`pre-annotating the sample documents did not start: ${(error as Error).message}`);
  }
}
