// Errors that cross the boundary: a code the UI can act on (reload on conflict) and a message a person can read.
import type { z } from 'zod';

export type ErrorCode =
  'invalid' | 'unknown-method' | 'not-found' | 'conflict' | 'forbidden' | 'unauthorized' | 'failed';

/** The error shape both hosts send back. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** The parameter at fault, as a dotted path (`entities.3.end`), for `invalid`. */
  field?: string;
  /** Facts the UI can act on without parsing the message (an export's `conflict`: what is already there). */
  detail?: Record<string, string | number>;
}

export class ContractError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly detail?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'ContractError';
  }

  toPayload(): ErrorPayload {
    return {
      code: this.code,
      message: this.message,
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
    };
  }

  static from(payload: ErrorPayload): ContractError {
    return new ContractError(payload.code, payload.message, payload.field, payload.detail);
  }
}

/** The first problem of a failed validation, naming the field: `invalid documentId: expected number, received string`. */
export function validationError(method: string, error: z.ZodError): ContractError {
  const issue = error.issues[0];
  const field = issue.path.map(String).join('.');
  const where = field === '' ? 'parameters' : field;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return new ContractError(
    'invalid',
    `${method}: invalid ${where}: ${issue.message}${more}`,
    field === '' ? undefined : field,
  );
}
