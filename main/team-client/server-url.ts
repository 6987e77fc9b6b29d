// The team server's address as the user typed it, checked the way the server's own listen policy is: HTTPS
// anywhere, plain HTTP only to this machine (a team server on loopback for a trial); no user or password in the URL
// (they go through the login, not into logs and history), no query or fragment.
import { ContractError } from '../../core/contract/errors.js';
import { isLoopback } from '../hosts/web/security.js';

/** The server's base URL (always ending in '/'), so `new URL('api/login', base)` works under a path prefix too. */
export function parseServerUrl(text: string): URL {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    throw new ContractError('invalid', `"${trimmed.slice(0, 200)}" is not a server address`, 'url');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ContractError('invalid', `a team server is reached over https:// (not ${url.protocol})`, 'url');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:' && !isLoopback(host))
    throw new ContractError(
      'invalid',
      `plain http:// is accepted only for a server on this machine; ${url.hostname} needs https://`,
      'url',
    );
  if (url.username || url.password)
    throw new ContractError('invalid', 'put the user name and password in the login fields, not in the address', 'url');
  if (url.search || url.hash) throw new ContractError('invalid', 'the address takes no ?query or #fragment', 'url');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}
