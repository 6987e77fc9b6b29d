// The team view's data (issue 15): the project's assignment progress, agreement between annotators' finished lines
// and the documents ranked by disagreement. Curators and admins only (the methods' roles); loaded when the view opens.
import type { AgreementReport, AssignmentProgress, DisagreementPage } from '../../../core/contract/types.js';
import { call } from '../lib/api.js';
import { app } from './app.svelte.js';

class TeamWork {
  progress = $state.raw<AssignmentProgress | null>(null);
  report = $state.raw<AgreementReport | null>(null);
  ranked = $state.raw<DisagreementPage | null>(null);
  loading = $state(false);

  async load(): Promise<void> {
    const projectId = app.project?.id;
    if (projectId === undefined) return;
    this.loading = true;
    try {
      const [progress, report, ranked] = await Promise.all([
        call('assignments.progress', { projectId }),
        call('agreement.report', { projectId }),
        call('agreement.documents', { projectId, limit: 20 }),
      ]);
      [this.progress, this.report, this.ranked] = [progress, report, ranked];
    } catch (error) {
      app.fail(error, 'load');
    } finally {
      this.loading = false;
    }
  }
}

export const teamWork = new TeamWork();
