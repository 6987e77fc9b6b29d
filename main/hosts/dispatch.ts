// The one wrapper every host registers its methods through: the caller is checked first (a trusted sender, a valid
// token, a team session), then the method name against the contract, then the caller's role against the method's
// (core/contract/roles.ts), then the payload against the method's schema, and only then does the service run, told
// who calls. Errors leave as ErrorPayload, never as stack traces.
import { ContractError, validationError, type ErrorPayload } from '../../core/contract/errors.js';
import { isMethodName, paramSchemas, type MethodName, type Params, type Results } from '../../core/contract/methods.js';
import { METHOD_ROLES, roleAllows, type CallContext } from '../../core/contract/roles.js';

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: ErrorPayload };

/**
 * A host's check of who is calling; throws ContractError('forbidden' | 'unauthorized') to refuse. It returns the
 * caller's identity (a team member), or nothing for the single local user, who is the admin and whom the service
 * records under its own default actor.
 */
export type CallerCheck<C> = (caller: C, method: MethodName) => CallContext | void;

/** The services as the hosts call them: each method also hears who calls (absent: the local user). */
export type ServiceApi = { [M in MethodName]: (params: Params<M>, context?: CallContext) => Promise<Results[M]> };

export interface Dispatcher<C> {
  /** Checks, validates and runs one call. Never throws. */
  call(caller: C, method: unknown, params: unknown): Promise<CallOutcome>;
  /**
   * Throws ContractError when the caller may not call `method` (an unknown method passes: `call` answers it), so a
   * host can refuse before it reads a large body.
   */
  authorize(caller: C, method: string): void;
}

function checkRole(context: CallContext | undefined, method: MethodName): void {
  const needed = METHOD_ROLES[method];
  if (context && !roleAllows(context.role, needed)) {
    throw new ContractError(
      'forbidden',
      `${method} needs the ${needed} role; ${context.actor} is ${context.role === 'curator' ? 'a' : 'an'} ${context.role}`,
    );
  }
}

/** Builds the validated entry point over a service implementation. */
export function createDispatcher<C>(
  api: ServiceApi,
  checkCaller: CallerCheck<C>,
  log: (message: string) => void = () => {},
): Dispatcher<C> {
  return {
    authorize(caller, method) {
      if (isMethodName(method)) checkRole(checkCaller(caller, method) ?? undefined, method);
    },
    async call(caller, method, params) {
      try {
        if (!isMethodName(method))
          throw new ContractError('unknown-method', `unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
        const context = checkCaller(caller, method) ?? undefined;
        checkRole(context, method);
        const parsed = paramSchemas[method].safeParse(params ?? {});
        if (!parsed.success) throw validationError(method, parsed.error);
        // The table and the implementation are typed together; this cast only bridges the per-method union.
        const handler = api[method] as (p: unknown, context?: CallContext) => Promise<unknown>;
        const result = await handler.call(api, parsed.data, context);
        return { ok: true, result };
      } catch (error) {
        if (error instanceof ContractError) return { ok: false, error: error.toPayload() };
        log(`${String(method)} failed: ${(error as Error).stack ?? error}`);
        return { ok: false, error: { code: 'failed', message: (error as Error).message ?? String(error) } };
      }
    },
  };
}

/** HTTP status for an error code. */
export function httpStatus(code: ErrorPayload['code']): number {
  switch (code) {
    case 'invalid':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'unknown-method':
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    default:
      return 500;
  }
}
