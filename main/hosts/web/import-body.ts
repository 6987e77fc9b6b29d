// A large `documents.import` body is read by a worker thread (import-body-worker.ts), which writes the content's
// bytes to an upload; the call then carries the upload's id instead of the content. The host's thread only passes
// the chunks along, so other callers are answered while a 64 MiB file arrives.
import type { IncomingMessage } from 'node:http';
import { ContractError } from '../../../core/contract/errors.js';
import type { Uploads } from '../../services/uploads.js';
import { startWorker } from '../../start-worker.js';
import type { BodyJob, BodyReply } from './import-body-worker.js';

const WORKER_URL = new URL('./import-body-worker.ts', import.meta.url);

/** Below this the body is parsed in place: a worker's start costs more than the parse. */
export const WORKER_BODY_BYTES = 1024 * 1024;

/** The call's parameters, with `upload` in place of `contentBase64`; the caller discards the upload if unused. */
export async function readImportBody(
  req: IncomingMessage,
  uploads: Uploads,
  maxBytes: number,
): Promise<{ params: unknown; upload?: string }> {
  const { id, path } = uploads.create();
  const worker = startWorker(WORKER_URL, { workerData: { uploadPath: path } satisfies BodyJob });
  const reply = new Promise<BodyReply>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the import body's reader stopped (exit ${code})`)));
  });
  try {
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw new ContractError('invalid', `the body is larger than ${maxBytes} bytes`);
      worker.postMessage(chunk);
    }
    worker.postMessage(null);
    const answer = await reply;
    if (!answer.ok) throw new ContractError('invalid', answer.message, answer.field);
    return answer.wrote ? { params: { ...answer.params, upload: id }, upload: id } : { params: answer.params };
  } catch (error) {
    uploads.discard(id);
    throw error;
  } finally {
    reply.catch(() => {}); // settled or abandoned: the worker goes either way
    void worker.terminate();
  }
}
