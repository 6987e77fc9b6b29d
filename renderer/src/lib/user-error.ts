// A failure as the user reads it: a translated headline chosen from what the service says in machine terms (its
// error code, the field at fault, a detail reason) and what the user was doing; the service's English message is
// kept as the technical detail, shown on request, never as the headline. Plain TS: unit-tested.
import { ContractError } from '../../../core/contract/errors.js';
import type { DeviceInfo } from '../../../core/contract/types.js';
import { fillIn, type Locale } from './fill-in.js';
import { en, vi, type MessageKey } from './messages.js';

export type { Locale };

/** What the user was doing when it failed: chooses the headline when the cause itself has no better words. */
export type ErrorContext =
  | 'load'
  | 'import'
  | 'export'
  | 'preannotate'
  | 'fine-tune'
  | 'save'
  | 'restore'
  | 'activate'
  | 'replay'
  | 'labels'
  | 'settings'
  | 'train'
  | 'dataset';

const CONTEXT_KEYS: Record<ErrorContext, MessageKey> = {
  load: 'errLoad',
  import: 'errImport',
  export: 'errExport',
  preannotate: 'errPreannotate',
  'fine-tune': 'errFineTune',
  save: 'errSave',
  restore: 'errRestore',
  activate: 'errActivate',
  replay: 'errReplay',
  labels: 'errLabels',
  settings: 'errSettings',
  train: 'errTrain',
  dataset: 'errDataset',
};

export interface UserMessage {
  key: MessageKey;
  params: Record<string, string | number>;
  /** The service's own words (English, technical), for the "technical details" disclosure. */
  detail: string;
}

/** Fills a message's placeholders (see ./fill-in.ts). */
export function words(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  return fillIn(locale === 'vi' ? vi[key] : en[key], params, locale);
}

/** The headline (translation key and parameters) and the detail for an error met while doing `context`. */
export function describeError(
  error: unknown,
  context: ErrorContext = 'load',
  params: Record<string, string | number> = {},
): UserMessage {
  const detail = error instanceof Error ? error.message : String(error);
  const said = (key: MessageKey, extra: Record<string, string | number> = {}): UserMessage => ({
    key,
    params: { ...params, ...extra },
    detail,
  });
  if (!(error instanceof ContractError)) {
    // fetch's own failure: the server is gone (closed, restarted, unreachable).
    if (error instanceof TypeError && /fetch|network|load failed/i.test(detail)) return said('errConnection');
    return said(CONTEXT_KEYS[context]);
  }
  const reason = error.detail?.reason;
  if (reason === 'too-few-finished')
    return said('errTooFewFinished', { needed: error.detail?.needed ?? 10, have: error.detail?.have ?? 0 });
  if (reason === 'fine-tune-running') return said('errFineTuneRunning');
  if (typeof reason === 'string' && reason.startsWith('trainer-') && reason in en) return said(reason as MessageKey);
  if (context === 'import' && error.field === 'format') return said('errImportFormat');
  if (context === 'import' && error.field === 'content') return said('errImportContent');
  if (context === 'export' && error.field === 'format') return said('errExportFormat');
  if (context === 'labels' && error.field === 'shortcut') return said('errShortcutTaken');
  if (context === 'labels' && error.code === 'conflict' && (error.field === 'name' || error.field === 'to'))
    return said('errLabelExists');
  switch (error.code) {
    case 'unauthorized':
      return said('errUnauthorized');
    case 'forbidden':
      return said('errForbidden');
    case 'not-found':
      return said('errNotFound');
    case 'conflict':
      return said('errConflict');
    case 'invalid':
      return context === 'load' ? said('errInvalid') : said(CONTEXT_KEYS[context]);
    default:
      return said(CONTEXT_KEYS[context]);
  }
}

/** The device line's sentence: the service's reason code in words, or the device alone when it sent no code. */
export function deviceWords(locale: Locale, device: Pick<DeviceInfo, 'device' | 'code'>): string {
  const key = `device-${device.code ?? device.device}` as MessageKey;
  return words(locale, key in en ? key : `device-${device.device}`);
}
