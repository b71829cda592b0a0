import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../../../domain/account';
import { Problem, statusOf } from './passdock-errors';
import { PassdockParams } from './passdock-params';

const PARAMS = Symbol('passdockParams');
const ACCOUNT = Symbol('passdockAccount');

type PassdockRequest = FastifyRequest & { [PARAMS]?: PassdockParams; [ACCOUNT]?: Account };

/** The request's Passdock parameters (query and body merged), read once per request. */
export function passdockParamsOf(request: FastifyRequest): PassdockParams {
  const passdock = request as PassdockRequest;
  passdock[PARAMS] ??= PassdockParams.of(request.body, request.query);
  return passdock[PARAMS];
}

export function setPassdockAccount(request: FastifyRequest, account: Account): void {
  (request as PassdockRequest)[ACCOUNT] = account;
}

/** The account the request's `api_token` opened (ApiTokenGuard runs first on every Passdock route). */
export const CurrentAccount = createParamDecorator((_data: unknown, context: ExecutionContext): Account => {
  const account = (context.switchToHttp().getRequest<PassdockRequest>())[ACCOUNT];
  if (!account) throw new Error('CurrentAccount used on a route without ApiTokenGuard.');
  return account;
});

export const Params = createParamDecorator((_data: unknown, context: ExecutionContext): PassdockParams =>
  passdockParamsOf(context.switchToHttp().getRequest<FastifyRequest>()),
);

/** The create-pass page's names for its own statuses ("420 Key Not Found In The Template", "421 Missing serial number"). */
const PASSDOCK_REASONS: Partial<Record<number, string>> = {
  420: 'Key Not Found In The Template',
  421: 'Missing Serial Number',
};

/** Passdock error bodies; `errors=true` adds the messages (reference §1: "errors" flag). */
export interface PassdockErrorBody {
  status: number;
  errors?: Problem[];
}

/**
 * Sends problems as Passdock does: the status says what went wrong, and only a request with
 * `errors=true` gets the messages, one per problem found.
 */
export function sendPassdockProblems(reply: FastifyReply, withMessages: boolean, problems: readonly Problem[]): void {
  const status = statusOf(problems);
  const body: PassdockErrorBody = withMessages ? { status, errors: [...problems] } : { status };
  // Node names 420 "unknown" and 421 "Misdirected Request"; Passdock's own names say what they mean.
  const reason = PASSDOCK_REASONS[status];
  if (reason) reply.raw.statusMessage = reason;
  void reply.status(status).header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send(body);
}
