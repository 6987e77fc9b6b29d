// A picked file as the import sends it: its bytes in base64, never decoded here, so the server sees exactly the
// bytes on disk (invalid UTF-8 is refused there with its line, as the CLI refuses it).
import { MAX_IMPORT_BYTES } from '../../../core/contract/limits.js';

/** True when the file is over the import's size limit (checked before reading it). */
export function tooLargeToImport(size: number): boolean {
  return size > MAX_IMPORT_BYTES;
}

/** The bytes of a Blob as standard base64 (the browser's own encoder, via a data: URL). */
export function base64Of(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(blob);
  });
}
