import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { failureFor } from './skycore-errors';
import { failureXml, SKYCORE_CONTENT_TYPE } from './skycore-response';

const ACTION = Symbol('skycore.action');
type WithAction = FastifyRequest & { [ACTION]?: string | null };

/** Records the call's action, which decides the code of an internal failure (E806, E809, E821, E830). */
export function rememberAction(request: FastifyRequest, action: string | null): void {
  (request as WithAction)[ACTION] = action;
}

/**
 * The one place where errors become Skycore answers: every error thrown on the Skycore route is a
 * `<STATUS>Failure</STATUS>` envelope with HTTP 200 (both Skycore client libraries read only the
 * body; reference §1). Codes come from failureFor's table; internal errors are logged here and
 * never shown to the client.
 */
@Catch()
export class SkycoreExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('SkycoreApi');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const action = (request as WithAction)[ACTION] ?? null;
    const { failure, internal } = failureFor(error, action);
    if (internal) this.logger.error({ reqId: request.id, err: error, action, code: failure.code }, 'Skycore action failed');
    void http.getResponse<FastifyReply>().code(200).header('content-type', SKYCORE_CONTENT_TYPE).send(failureXml(failure));
  }
}
