import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError } from '../../../domain/errors';
import { PassdockRequestError, Problem, problemOfDomainError, RequestProblemCode } from './passdock-errors';
import { passdockParamsOf, sendPassdockProblems } from './passdock-http';

/**
 * Turns everything the Passdock controllers and their guard throw into Passdock's statuses:
 * problems the adapter found while reading the request, domain errors through the one table in
 * passdock-errors.ts, and anything unexpected as a logged 500 that says nothing more.
 * Applied to the Passdock controllers only; the other protocols answer errors their own way.
 */
@Catch()
export class PassdockExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('PassdockApi');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    sendPassdockProblems(http.getResponse<FastifyReply>(), passdockParamsOf(request).flag('errors'), this.problemsOf(exception, request));
  }

  private problemsOf(exception: unknown, request: FastifyRequest): readonly Problem[] {
    if (exception instanceof PassdockRequestError) return exception.problems;
    if (isDomainError(exception)) return [problemOfDomainError(exception)];
    if (exception instanceof HttpException && exception.getStatus() === 404) {
      return [{ code: RequestProblemCode.NotFound, field: null, message: 'Not found.' }];
    }
    if (exception instanceof HttpException && exception.getStatus() === 413) {
      return [{ code: RequestProblemCode.RequestTooLarge, field: null, message: 'The request is too large.' }];
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      return [{ code: RequestProblemCode.MalformedRequest, field: null, message: exception.message }];
    }
    // reqId: the request log's id for the same request (request-log.ts).
    this.logger.error({ reqId: request.id, err: exception }, 'Passdock request failed');
    return [{ code: RequestProblemCode.InternalError, field: null, message: 'Internal error.' }];
  }
}
