// Which view is showing, the project and its labels, and the one-line notice at the bottom.
import type { AppInfo, LabelInfo, ProjectInfo } from '../../../core/contract/types.js';
import { call } from '../lib/api.js';
import { i18n } from '../lib/i18n.svelte.js';
import { describeError, type ErrorContext } from '../lib/user-error.js';

// An information notice (what was imported, a revision restored) goes away by itself; an error stays until closed.
const INFO_MS = 8000;

export type View = 'documents' | 'editor' | 'models' | 'team' | 'curation';

class AppState {
  #view = $state<View>('documents');
  /** The view showing. Moving to another takes an information notice away (it spoke of the view left behind). */
  get view(): View {
    return this.#view;
  }
  set view(view: View) {
    if (view !== this.#view) this.dismissInfo();
    this.#view = view;
  }
  info = $state.raw<AppInfo | null>(null);
  project = $state.raw<ProjectInfo | null>(null);
  /** The notice line: a translated text, and for errors the service's own words as the technical detail. */
  notice = $state<{ kind: 'info' | 'error'; text: string; detail?: string } | null>(null);
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

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

  show(kind: 'info' | 'error', text: string, detail?: string): void {
    clearTimeout(this.noticeTimer);
    this.notice = { kind, text, ...(detail && detail !== text ? { detail } : {}) };
    if (kind === 'info') this.noticeTimer = setTimeout(() => (this.notice = null), INFO_MS);
  }

  /** Shows an error as a translated headline, keeping the service's message as the detail. */
  fail(error: unknown, context: ErrorContext, params: Record<string, string | number> = {}): void {
    const message = describeError(error, context, params);
    this.show('error', i18n.fill(message.key, message.params), message.detail);
  }

  /** An information notice belongs to the moment it was shown: moving elsewhere takes it away (errors stay). */
  dismissInfo(): void {
    if (this.notice?.kind === 'info') this.dismiss();
  }

  dismiss(): void {
    clearTimeout(this.noticeTimer);
    this.notice = null;
  }
}

export const app = new AppState();
