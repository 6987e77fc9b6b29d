// Which view is showing, the project and its labels, and the one-line notice at the bottom.
import type { AppInfo, LabelInfo, ProjectInfo } from '../../../core/contract/types.js';
import { call } from '../lib/api.js';

export type View = 'documents' | 'editor' | 'export' | 'models';

class AppState {
  view = $state<View>('documents');
  info = $state.raw<AppInfo | null>(null);
  project = $state.raw<ProjectInfo | null>(null);
  notice = $state<{ kind: 'info' | 'error'; text: string } | null>(null);

  get labels(): LabelInfo[] {
    return this.project?.labels ?? [];
  }

  /** Label name -> colour. */
  colour(label: string): string {
    return this.project?.labels.find((l) => l.name === label)?.colour ?? '#666666';
  }

  async load(): Promise<void> {
    const [info, projects] = await Promise.all([call('app.info', {}), call('projects.list', {})]);
    this.info = info;
    this.project = projects[0] ?? null;
  }

  async reloadProject(): Promise<void> {
    const projects = await call('projects.list', {});
    this.project = projects.find((p) => p.id === this.project?.id) ?? projects[0] ?? null;
  }

  show(kind: 'info' | 'error', text: string): void {
    this.notice = { kind, text };
  }
}

export const app = new AppState();
