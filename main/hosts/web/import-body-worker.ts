// Off the event loop: parses a large `documents.import` body and writes its content's bytes to the upload file.
// The parse, the base64 check and the decode of a 64 MiB file take ~0.7 s of CPU; on the host's thread every other
// call (an editor save, a list page) would wait behind them.
import { writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { BASE64 } from '../../../core/contract/schemas.js';
import { MAX_IMPORT_BYTES } from '../../../core/contract/limits.js';

export interface BodyJob {
  /** Where the decoded content goes. */
  uploadPath: string;
}
/** To the worker: the body's chunks, then `null` at its end. From it: the parameters, or the reason they are refused. */
export type BodyReply =
  { ok: true; params: Record<string, unknown>; wrote: boolean } | { ok: false; message: string; field?: string };

function decode(body: Buffer, uploadPath: string): BodyReply {
  let params: unknown;
  try {
    params = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return { ok: false, message: 'the body is not valid JSON' };
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    return { ok: false, message: 'the body must be a JSON object' };
  const { contentBase64, ...rest } = params as Record<string, unknown>;
  // Anything but a base64 string is left for the contract's own check, which names the field.
  if (typeof contentBase64 !== 'string') return { ok: true, params: params as Record<string, unknown>, wrote: false };
  if (contentBase64.length % 4 !== 0 || !BASE64.test(contentBase64))
    return { ok: false, message: 'contentBase64: not base64', field: 'contentBase64' };
  const bytes = Buffer.from(contentBase64, 'base64');
  if (bytes.length > MAX_IMPORT_BYTES)
    return {
      ok: false,
      message: `contentBase64: the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`,
      field: 'contentBase64',
    };
  writeFileSync(uploadPath, bytes, { mode: 0o600 });
  return { ok: true, params: rest, wrote: true };
}

const port = parentPort;
if (port) {
  const { uploadPath } = workerData as BodyJob;
  const chunks: Buffer[] = [];
  port.on('message', (chunk: Uint8Array | null) => {
    if (chunk !== null) return void chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    let reply: BodyReply;
    try {
      reply = decode(Buffer.concat(chunks), uploadPath);
    } catch (error) {
      reply = { ok: false, message: (error as Error).message };
    }
    chunks.length = 0;
    port.postMessage(reply);
  });
}
