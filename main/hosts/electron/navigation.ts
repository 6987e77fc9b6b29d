// Where the app's pages may go, as pure functions (no electron import) so they are unit-tested. The window shows
// only app://workbench/ pages; any other address is either one of a few known documentation hosts, opened in the
// user's browser, or nothing at all. Kept deliberately short: a link to a new site is added here, on purpose.
import { APP_ORIGIN } from './ipc.js';

/**
 * Hosts whose https pages the app may hand to the user's browser. github.com carries the published corpora the
 * docs link to (docs/formats/phoner.md) and the project's own pages; add a host only for a link the app shows.
 */
export const EXTERNAL_HOSTS: readonly string[] = ['github.com'];

/** Longer addresses are not links a person clicked; they are refused rather than passed to the OS. */
const MAX_URL_LENGTH = 2048;

/** True for a page of the app itself (app://workbench/...), the only place a window may navigate to. */
export function isAppUrl(url: string): boolean {
  try {
    const target = new URL(url);
    return `${target.protocol}//${target.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/**
 * The normalised address to open in the user's browser, or undefined when it is not allowed: https only, on an
 * allow-listed host (exactly, no subdomains), default port, no user name or password in it.
 */
export function allowedExternalUrl(url: string, hosts: readonly string[] = EXTERNAL_HOSTS): string | undefined {
  if (typeof url !== 'string' || url.length > MAX_URL_LENGTH) return undefined;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  if (target.protocol !== 'https:' || target.port !== '' || target.username !== '' || target.password !== '')
    return undefined;
  if (!hosts.includes(target.hostname)) return undefined;
  return target.href;
}

/** Opens `url` with `open` (shell.openExternal) when the allow-list lets it through; says whether it did. */
export function openExternalAllowed(
  url: string,
  open: (url: string) => Promise<void>,
  log: (message: string) => void = console.warn,
): boolean {
  const allowed = allowedExternalUrl(url);
  if (allowed === undefined) {
    log(`workbench: refused to open ${JSON.stringify(url.slice(0, 200))} outside the app (not an allowed https link)`);
    return false;
  }
  open(allowed).catch((error: unknown) => log(`workbench: could not open ${allowed}: ${(error as Error).message}`));
  return true;
}
