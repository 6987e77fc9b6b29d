// The export form and the summary of what the last export wrote.
import type { ExportScope, ExportSummary } from '../../../core/contract/types.js';
import { call } from '../lib/api.js';
import { app } from './app.svelte.js';

class ExportState {
  format = $state('phoner');
  scope = $state<ExportScope>('done');
  destination = $state('');
  running = $state(false);
  summary = $state.raw<ExportSummary | null>(null);
  error = $state<string | null>(null);

  async run(): Promise<void> {
    const project = app.project;
    if (!project) return;
    this.running = true;
    this.error = null;
    try {
      this.summary = await call('export.run', {
        projectId: project.id,
        format: this.format,
        scope: this.scope,
        ...(this.destination.trim() ? { destination: this.destination.trim() } : {}),
      });
    } catch (error) {
      this.summary = null;
      this.error = (error as Error).message;
    } finally {
      this.running = false;
    }
  }
}

export const exporter = new ExportState();
