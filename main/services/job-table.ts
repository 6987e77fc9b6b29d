// The background jobs of one kind (pre-annotation, fine-tune, project training): listed, cancelled, awaited. Each
// service extends it and starts its own jobs; at most one of a kind runs at a time.
import type { JobInfo } from '../../core/contract/types.js';
import { ContractError } from '../../core/contract/errors.js';

export interface RunningJob {
  info: JobInfo;
  abort: AbortController;
  finished: Promise<void>;
}

export class JobTable {
  protected readonly jobs = new Map<string, RunningJob>();

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }));
  }

  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  cancel(jobId: string): JobInfo {
    const job = this.jobs.get(jobId);
    if (!job) throw new ContractError('not-found', `no job ${jobId}`);
    job.abort.abort();
    return { ...job.info };
  }

  /** Resolves when a job has stopped (tests, shutdown). */
  async settled(jobId: string): Promise<JobInfo | undefined> {
    const job = this.jobs.get(jobId);
    await job?.finished;
    return job && { ...job.info };
  }

  /** Cancels every job and waits for them (host shutdown). */
  async stopAll(): Promise<void> {
    for (const job of this.jobs.values()) job.abort.abort();
    await Promise.all([...this.jobs.values()].map((j) => j.finished));
  }

  /** Whether a job of this kind is running (a second one is refused). */
  protected running(): boolean {
    return [...this.jobs.values()].some((j) => j.info.state === 'running');
  }
}
