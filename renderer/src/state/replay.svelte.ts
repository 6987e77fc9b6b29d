// "Watch the model": the open document denoised once more with the model chosen for pre-annotation, replayed step
// by step (which tokens the model was sure of first). Loads on opening; follows the open document.
import type { DenoisingTrace } from '../../../core/contract/types.js';
import { call } from '../lib/api.js';
import { describeError, type UserMessage } from '../lib/user-error.js';
import { stepCount } from '../lib/replay-view.js';
import { editor } from './editor.svelte.js';
import { jobs } from './jobs.svelte.js';

const PLAY_INTERVAL_MS = 700;

class ReplayState {
  open = $state(false);
  loading = $state(false);
  error = $state.raw<UserMessage | null>(null);
  trace = $state.raw<DenoisingTrace | null>(null);
  /** 0 (all masked) .. steps. */
  step = $state(0);
  playing = $state(false);
  private timer: ReturnType<typeof setInterval> | undefined;
  private seq = 0;

  get steps(): number {
    return this.trace ? stepCount(this.trace) : 0;
  }

  /** Opening runs the model again (the model chosen may have changed); closing stops the playback. */
  toggle(): void {
    this.open = !this.open;
    this.pause();
    if (this.open) this.trace = null;
  }

  async load(): Promise<void> {
    const doc = editor.doc;
    if (!doc) return;
    const seq = ++this.seq;
    this.pause();
    this.loading = true;
    this.error = null;
    try {
      const trace = await call('preannotate.trace', { documentId: doc.id, model: jobs.modelChoice() });
      if (seq !== this.seq) return;
      this.trace = trace;
      this.step = stepCount(trace);
    } catch (error) {
      if (seq !== this.seq) return;
      this.trace = null;
      this.error = describeError(error, 'replay');
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  /** Plays from the start (or from where it is, unless at the end). */
  play(): void {
    if (!this.trace) return;
    if (this.step >= this.steps) this.step = 0;
    this.playing = true;
    this.timer = setInterval(() => {
      if (this.step >= this.steps) this.pause();
      else this.step++;
    }, PLAY_INTERVAL_MS);
  }

  pause(): void {
    this.playing = false;
    clearInterval(this.timer);
  }
}

export const replay = new ReplayState();
