import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainErrorCode, isDomainError } from '../../../domain/errors';

/**
 * The public links answer in plain text, without saying why a link does not open: an unknown id,
 * a wrong token and data that is not issued yet are all one 404 (the OpenPublicPass use case makes
 * them one PASS_NOT_FOUND). Anything else is a server fault, logged here and not described.
 */
@Catch()
export class DistributionExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(DistributionExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const notFound =
      (isDomainError(exception) &&
        (exception.code === DomainErrorCode.PassNotFound || exception.code === DomainErrorCode.TemplateNotFound)) ||
      (exception instanceof HttpException && exception.getStatus() === 404);
    if (!notFound) {
      const request = host.switchToHttp().getRequest<FastifyRequest>();
      this.logger.error({ reqId: request.id, err: exception }, 'Pass link request failed');
    }
    void reply
      .status(notFound ? 404 : 500)
      .header('content-type', 'text/plain; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(notFound ? 'Not found\n' : 'Internal server error\n');
  }
}
