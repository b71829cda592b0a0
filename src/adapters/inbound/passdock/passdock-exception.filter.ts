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
    sendPassdockProblems(http.getResponse<FastifyReply>(), passdockParamsOf(request).flag('errors'), this.problemsOf(exception));
  }

  private problemsOf(exception: unknown): readonly Problem[] {
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
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return [{ code: RequestProblemCode.InternalError, field: null, message: 'Internal error.' }];
  }
}
