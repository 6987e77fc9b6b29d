// Who owns a long piece of work recorded in the database (an import being staged or published, a fine-tune run), so
// a later process can tell work whose owner died (recover it) from work another live process is still doing (leave
// it alone). An owner is "host:pid"; liveness is only decidable on the same host, so another host's work counts as
// alive. A reused pid reads as alive: recovery then waits for that process to end, which loses nothing.
import { hostname } from 'node:os';

/** This process as an owner string. */
export function currentOwner(): string {
  return `${hostname()}:${process.pid}`;
}

/** Whether the process named by `owner` may still be running. */
export function ownerAlive(owner: string | null): boolean {
  if (!owner) return false;
  const at = owner.lastIndexOf(':');
  const host = owner.slice(0, at);
  const pid = Number(owner.slice(at + 1));
  if (host !== hostname()) return true;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
