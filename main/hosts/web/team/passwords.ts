// Team passwords: scrypt (node:crypto) over the password with a per-user random salt and the install's own salt
// (install_secrets 'password', so a hash copied into another workbench does not verify there), compared in constant
// time. The stored form names its parameters, so the cost can be raised later without breaking old hashes.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Scrypt cost: N = 2^15, r = 8 (32 MiB, ~0.1 s here): OWASP's floor for scrypt. */
export const DEFAULT_COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 1024;

export type ScryptCost = typeof DEFAULT_COST;

function scrypt(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Why a password cannot be used, or null. Length only: a long passphrase beats composition rules. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD) return `a password needs at least ${MIN_PASSWORD} characters`;
  if (length > MAX_PASSWORD) return `a password has at most ${MAX_PASSWORD} characters`;
  return null;
}

/** `scrypt$N$r$p$<user salt>$<key>` (base64url); the install salt is not stored in it. */
export async function hashPassword(
  password: string,
  installSalt: Buffer,
  cost: ScryptCost = DEFAULT_COST,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, Buffer.concat([salt, installSalt]), cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` is the one `stored` was made from under this install's salt. */
export async function verifyPassword(password: string, stored: string, installSalt: Buffer): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const expected = Buffer.from(parts[5], 'base64url');
  if (expected.length !== KEY_BYTES) return false;
  const key = await scrypt(password, Buffer.concat([Buffer.from(parts[4], 'base64url'), installSalt]), { N, r, p });
  return timingSafeEqual(key, expected);
}

/** A hash of nothing anyone knows, verified against for unknown names so they take as long as known ones. */
export async function decoyHash(installSalt: Buffer, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  return hashPassword(randomBytes(24).toString('base64url'), installSalt, cost);
}
