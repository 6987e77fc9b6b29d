// The latest word on the jobs of one kind (pre-annotation, fine-tune). Events can overtake the answers to start and
// cancel (a fast job finishes first; the cancel answer still says running), and a late progress event can follow the
// finish: the finished word always wins.
import type { WorkbenchEvent } from '../../../core/contract/events.js';
import type { JobInfo } from '../../../core/contract/types.js';
import { call } from '../lib/api.js';

export class JobTracker {
  /** The job shown: running, or the last one this session. */
  job = $state.raw<JobInfo | null>(null);
  private seen = new Map<string, JobInfo>();

  constructor(private readonly kind: JobInfo['kind']) {}

  get running(): boolean {
    return this.job?.state === 'running';
  }

  /** The answer to a start call. */
  started(job: JobInfo): void {
    this.job = this.seen.get(job.id) ?? job;
  }

  /** Shows a running job of this kind from jobs.list (a reload while one runs), unless one is shown already. */
  adopt(list: readonly JobInfo[]): void {
    const running = list.find((j) => j.kind === this.kind && j.state === 'running');
    if (running && !this.job) this.job = this.seen.get(running.id) ?? running;
  }

  async cancel(): Promise<void> {
    if (!this.job) return;
    const answer = await call('jobs.cancel', { jobId: this.job.id });
    const known = this.seen.get(answer.id);
    this.job = known && known.state !== 'running' ? known : answer;
  }

  /** Takes an event; returns the job when it is news about this kind (not a late event after the finish). */
  take(event: WorkbenchEvent): JobInfo | undefined {
    if ((event.type !== 'job.progress' && event.type !== 'job.finished') || event.job.kind !== this.kind)
      return undefined;
    const known = this.seen.get(event.job.id);
    if (known && known.state !== 'running') return undefined;
    this.seen.set(event.job.id, event.job);
    this.job = event.job;
    return event.job;
  }
}
