// The project's settings in the Models view: keep learning (retrain after every N newly finished documents, off by
// default) and the lexicon's suggestions (on by default); projects.settings / projects.updateSettings.
import type { ProjectSettings } from '../../../core/contract/types.js';
import { call } from '../lib/api.js';
import { describeError, type UserMessage } from '../lib/user-error.js';
import { app } from './app.svelte.js';

/** What the form offers when keep-learning is switched on without a number. */
export const DEFAULT_RETRAIN_EVERY = 20;

class ProjectSettingsState {
  current = $state.raw<ProjectSettings | null>(null);
  /** The form: keep-learning on, its N, the lexicon switch. */
  keepLearning = $state(false);
  every = $state(DEFAULT_RETRAIN_EVERY);
  lexicon = $state(true);
  saving = $state(false);
  /** Set after a save until the form changes again. */
  saved = $state(false);
  /** The last failure, in the UI's language (the service's words as its detail). */
  error = $state.raw<UserMessage | null>(null);

  /** Whether the form differs from what is stored. */
  get dirty(): boolean {
    const c = this.current;
    if (!c) return false;
    return (
      this.keepLearning !== (c.retrainEvery !== null) ||
      (this.keepLearning && this.every !== c.retrainEvery) ||
      this.lexicon !== c.lexicon
    );
  }

  private show(settings: ProjectSettings): void {
    this.current = settings;
    this.keepLearning = settings.retrainEvery !== null;
    this.every = settings.retrainEvery ?? DEFAULT_RETRAIN_EVERY;
    this.lexicon = settings.lexicon;
  }

  async load(): Promise<void> {
    const project = app.project;
    if (!project) return;
    try {
      this.show(await call('projects.settings', { projectId: project.id }));
    } catch (error) {
      this.error = describeError(error, 'load');
    }
  }

  async save(): Promise<void> {
    const project = app.project;
    if (!project) return;
    this.error = null;
    this.saving = true;
    try {
      const every = Math.round(this.every);
      this.show(
        await call('projects.updateSettings', {
          projectId: project.id,
          retrainEvery: this.keepLearning ? every : null,
          lexicon: this.lexicon,
        }),
      );
      this.saved = true;
    } catch (error) {
      this.error = describeError(error, 'settings'); // a number out of range: the contract's words are the detail
    } finally {
      this.saving = false;
    }
  }
}

export const projectSettings = new ProjectSettingsState();
