// Who may reach the browser host, as one interface with two implementations: the single-user token gate (loopback,
// this launch's token; the caller is the local user) and the team gate (team/team-gate.ts: logins, sessions, roles).
// The host asks the gate about every request; the dispatcher then checks the named caller's role per method.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallContext } from '../../../core/contract/roles.js';
import { checkOrigin, checkToken, type Gate } from './security.js';

export interface RequestGate {
  /** Throws ContractError('forbidden') for a request not addressed to this server or from another origin. */
  checkOrigin(req: IncomingMessage): void;
  /** Answers the gate's own routes (the team login); true when it did. */
  route?(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Who calls an /api route: a team member, or nothing for the local user; throws to refuse. */
  identify(req: IncomingMessage): CallContext | void;
  /** What the printed URL carries (the token gate's fragment). */
  openSuffix: string;
}

/** The single-user gate: today's loopback Host/Origin check and the launch token. */
export function tokenGate(gate: Gate): RequestGate {
  return {
    checkOrigin: (req) => checkOrigin(req, gate),
    identify: (req) => checkToken(req, gate),
    openSuffix: `#token=${gate.token}`,
  };
}
