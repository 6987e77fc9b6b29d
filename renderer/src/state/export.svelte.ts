// The export form, the question asked before anything existing is written over, and the summary of the last export.
import { ContractError } from '../../../core/contract/errors.js';
import type { Params } from '../../../core/contract/methods.js';
import type { ExportScope, ExportSummary } from '../../../core/contract/types.js';
import { call } from '../lib/api.js';
import { describeError, type UserMessage } from '../lib/user-error.js';
import { app } from './app.svelte.js';

/** What is already at the destination, as the service described it when it refused (its `conflict` detail). */
export interface ExistingDestination {
  path: string;
  kind: 'file' | 'folder';
  /** Entries in the folder. */
  entries: number;
  /** Size of the file. */
  bytes: number;
}

/** The conflict detail of a refused export, or null when the error is anything else. */
export function existingDestination(error: unknown): ExistingDestination | null {
  if (!(error instanceof ContractError) || error.code !== 'conflict' || !error.detail) return null;
  const { path, kind, entries, bytes } = error.detail;
  if (typeof path !== 'string' || (kind !== 'file' && kind !== 'folder')) return null;
  return { path, kind, entries: Number(entries ?? 0), bytes: Number(bytes ?? 0) };
}

type ExportParams = Params<'export.run'>;

class ExportState {
  format = $state('phoner');
  scope = $state<ExportScope>('done');
  destination = $state('');
  running = $state(false);
  summary = $state.raw<ExportSummary | null>(null);
  error = $state.raw<UserMessage | null>(null);
  /** Something exists where the export would go: the user is asked before it is written over. */
  existing = $state.raw<ExistingDestination | null>(null);
  /** The refused request, retried as it was (not with whatever the form holds by then) when the user agrees. */
  private refused: ExportParams | null = null;

  async run(): Promise<void> {
    const project = app.project;
    if (!project) return;
    await this.send({
      projectId: project.id,
      format: this.format,
      scope: this.scope,
      ...(this.destination.trim() ? { destination: this.destination.trim() } : {}),
    });
  }

  /** The user agreed to write over what is there. */
  async confirmOverwrite(): Promise<void> {
    if (this.refused) await this.send({ ...this.refused, overwrite: true });
  }

  cancelOverwrite(): void {
    this.existing = null;
    this.refused = null;
  }

  private async send(params: ExportParams): Promise<void> {
    this.running = true;
    this.error = null;
    this.cancelOverwrite();
    try {
      this.summary = await call('export.run', params);
    } catch (error) {
      this.summary = null;
      this.existing = existingDestination(error);
      if (this.existing) this.refused = params;
      else this.error = describeError(error, 'export');
    } finally {
      this.running = false;
    }
  }
}

export const exporter = new ExportState();
