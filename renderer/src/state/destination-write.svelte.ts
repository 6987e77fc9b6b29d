// A write to a destination that the service refuses while something is already there (export.run, dataset.write):
// whether it is running, its summary or error, and the question asked before anything existing is written over.
// The export dialog and the dataset form each hold one; OverwriteQuestion.svelte asks the question.
import { ContractError } from '../../../core/contract/errors.js';
import { describeError, type ErrorContext, type UserMessage } from '../lib/user-error.js';

/** What is already at the destination, as the service described it when it refused (its `conflict` detail). */
export interface ExistingDestination {
  path: string;
  kind: 'file' | 'folder';
  /** Entries in the folder. */
  entries: number;
  /** Size of the file. */
  bytes: number;
}

/** The conflict detail of a refused write, or null when the error is anything else. */
export function existingDestination(error: unknown): ExistingDestination | null {
  if (!(error instanceof ContractError) || error.code !== 'conflict' || !error.detail) return null;
  const { path, kind, entries, bytes } = error.detail;
  if (typeof path !== 'string' || (kind !== 'file' && kind !== 'folder')) return null;
  return { path, kind, entries: Number(entries ?? 0), bytes: Number(bytes ?? 0) };
}

/** What the overwrite question needs from a write. */
export interface OverwriteGuard {
  readonly running: boolean;
  /** Something exists where the write would go: the user is asked before it is written over. */
  readonly existing: ExistingDestination | null;
  /** The user agreed to write over what is there. */
  confirmOverwrite(): Promise<void>;
  cancelOverwrite(): void;
}

export class DestinationWrite<P extends { overwrite?: boolean }, R> implements OverwriteGuard {
  running = $state(false);
  summary = $state.raw<R | null>(null);
  error = $state.raw<UserMessage | null>(null);
  existing = $state.raw<ExistingDestination | null>(null);
  /** The refused request, retried as it was (not with whatever the form holds by then) when the user agrees. */
  private refused: P | null = null;

  /**
   * `write` calls the service; failures are described for `context`; `onWritten` sees each summary as it arrives.
   */
  constructor(
    private readonly write: (params: P) => Promise<R>,
    private readonly context: ErrorContext,
    private readonly onWritten?: (summary: R) => void,
  ) {}

  /** The last write's summary and error belong to that write: a fresh form shows neither. */
  forget(): void {
    this.summary = null;
    this.error = null;
  }

  async confirmOverwrite(): Promise<void> {
    if (this.refused) await this.send({ ...this.refused, overwrite: true });
  }

  cancelOverwrite(): void {
    this.existing = null;
    this.refused = null;
  }

  async send(params: P): Promise<void> {
    this.running = true;
    this.error = null;
    this.cancelOverwrite();
    try {
      const summary = await this.write(params);
      this.summary = summary;
      this.onWritten?.(summary);
    } catch (error) {
      this.summary = null;
      this.existing = existingDestination(error);
      if (this.existing) this.refused = params;
      else this.error = describeError(error, this.context);
    } finally {
      this.running = false;
    }
  }
}
