// The session cookie. Over TLS it is `__Host-`-prefixed (the browser then insists on Secure, Path=/ and no Domain,
// so no sibling host can plant or read it); on plain HTTP (team mode on loopback only) it cannot be Secure.

export function cookieName(tls: boolean): string {
  return tls ? '__Host-workbench-session' : 'workbench-session';
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for a session (maxAge 0 clears it). */
export function sessionCookie(tls: boolean, value: string, maxAgeSeconds: number): string {
  return [
    `${cookieName(tls)}=${value}`,
    'Path=/',
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(tls ? ['Secure'] : []),
  ].join('; ');
}
