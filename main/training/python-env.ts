// Finding the Python environment that can fine-tune (training/, package `dnw`): $WORKBENCH_PYTHON, else the
// project's .venv (what `npm run setup:python` makes), else python3 on the PATH - whichever imports dnw.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../repo-root.js';

const TRAINING_DIR = join(repoRoot, 'training');

export const SETUP_HINT =
  'set up the training environment with `npm run setup:python` (or point $WORKBENCH_PYTHON at a Python that has training/ installed)';

export interface PythonEnv {
  python: string;
  /** Environment for the child: PYTHONPATH includes training/ so an uninstalled checkout works too. */
  env: NodeJS.ProcessEnv;
}

export class PythonEnvError extends Error {
  constructor(readonly tried: string[]) {
    super(
      `fine-tuning needs Python with the training package (dnw); none found (tried ${tried.join(', ')}): ${SETUP_HINT}`,
    );
    this.name = 'PythonEnvError';
  }
}

function candidates(): string[] {
  const venv =
    process.platform === 'win32'
      ? join(repoRoot, '.venv', 'Scripts', 'python.exe')
      : join(repoRoot, '.venv', 'bin', 'python');
  const list = [
    process.env.WORKBENCH_PYTHON,
    existsSync(venv) ? venv : undefined,
    process.platform === 'win32' ? 'python' : 'python3',
  ];
  return list.filter((p): p is string => Boolean(p));
}

let found: PythonEnv | undefined;
// A miss is remembered briefly: the Models view asks on every load, and each probe starts Python.
let missedAt = -Infinity;
let missed: PythonEnvError | undefined;
const RETRY_MS = 30_000;

/** The first candidate that imports dnw.package.finetune_package; throws PythonEnvError naming what was tried. */
export function findPython(): PythonEnv {
  if (found) return found;
  if (missed && Date.now() - missedAt < RETRY_MS) throw missed;
  const env = {
    ...process.env,
    PYTHONPATH: [TRAINING_DIR, process.env.PYTHONPATH].filter(Boolean).join(process.platform === 'win32' ? ';' : ':'),
  };
  const tried = candidates();
  for (const python of tried) {
    const probe = spawnSync(python, ['-c', 'import dnw.package.finetune_package'], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (probe.status === 0) return (found = { python, env });
  }
  missedAt = Date.now();
  throw (missed = new PythonEnvError(tried));
}
