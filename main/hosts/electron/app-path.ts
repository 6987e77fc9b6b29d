// Which file of the built renderer an app://workbench/ request names, as a pure function (unit-tested): a malformed
// address is a 400, anything outside the renderer folder (`..`, encoded slashes, NUL) or on another host a 404.
import { join, normalize, resolve, sep } from 'node:path';

export const APP_HOST = 'workbench';

export type AppPath = { status: 200; file: string } | { status: 400 | 404; reason: string };

/** Resolves `requestUrl` to a file under `root` (the built renderer), or says why not. */
export function resolveAppPath(root: string, requestUrl: string): AppPath {
  const base = resolve(root);
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { status: 400, reason: 'malformed URL' };
  }
  if (url.host !== APP_HOST) return { status: 404, reason: `unknown host ${url.host}` };
  let path: string;
  try {
    path = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  } catch {
    return { status: 400, reason: 'malformed percent-encoding in the path' };
  }
  if (path.includes('\0')) return { status: 400, reason: 'NUL in the path' };
  const file = normalize(join(base, path));
  // After normalising: `..` and encoded separators that climbed out of the renderer folder end up outside `base`.
  if (!file.startsWith(base.endsWith(sep) ? base : base + sep)) return { status: 404, reason: 'outside the renderer' };
  return { status: 200, file };
}
