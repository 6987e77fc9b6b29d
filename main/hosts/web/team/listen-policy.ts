// Where the browser host may listen (issue 15). Single-user mode (the launch token) stays on loopback. Beyond
// loopback only a team server, with an explicit --listen and TLS: logins and session cookies must not cross a
// network in clear. Team mode on loopback may run without TLS (tests, a trial on one machine); its cookie then
// cannot be Secure, which is acceptable only because nothing but this machine can reach the port.
import { isLoopback } from '../security.js';

export interface ListenChoice {
  host: string;
  port: number;
  team: boolean;
  tls: boolean;
}

/** Why the host must not start this way (a message for the person at the command line), or null. */
export function listenProblem(choice: ListenChoice): string | null {
  if (!choice.team && choice.tls) return '--tls-cert/--tls-key are for a team server: add --team';
  if (isLoopback(choice.host) || choice.host === 'localhost') return null;
  if (!choice.team)
    return `refusing to listen on ${choice.host}: the single-user browser host listens on loopback only (a team server needs --team, --listen ADDR:PORT and --tls-cert/--tls-key)`;
  if (!choice.tls)
    return `refusing to listen on ${choice.host} without TLS: give --tls-cert and --tls-key (passwords and session cookies must not cross the network in clear)`;
  return null;
}

/** `ADDR:PORT`, `[v6]:PORT` -> host and port; null when malformed. */
export function parseListen(value: string): { host: string; port: number } | null {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(value);
  if (!match) return null;
  const port = Number(match[3]);
  if (port > 65535) return null;
  return { host: match[1] ?? match[2], port };
}
