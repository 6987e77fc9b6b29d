// app://workbench/ serves the built renderer with a strict CSP; nothing outside dist/renderer can be named
// (resolveAppPath: a malformed address answers 400, a path outside the folder 404).
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { SECURITY_HEADERS } from '../web/security.js';
import { resolveAppPath } from './app-path.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Must run before the app is ready. */
export function registerScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveRenderer(root: string): void {
  protocol.handle('app', async (request) => {
    const resolved = resolveAppPath(root, request.url);
    if (resolved.status !== 200)
      return new Response(resolved.status === 400 ? 'bad request' : 'not found', {
        status: resolved.status,
        headers: SECURITY_HEADERS,
      });
    try {
      const body = await readFile(resolved.file);
      return new Response(body, {
        headers: { ...SECURITY_HEADERS, 'Content-Type': TYPES[extname(resolved.file)] ?? 'application/octet-stream' },
      });
    } catch {
      return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    }
  });
}
