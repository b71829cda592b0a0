import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError } from '../../../domain/errors';
import { WALLET_STATUS } from './wallet-errors';

/**
 * Wallet reads only the status code; the body is a short JSON reason for people reading logs.
 * Server faults are logged and not described.
 */
@Catch()
export class WalletExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Wallet');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status = 500;
    let reason = 'Internal server error';
    if (isDomainError(exception)) {
      status = WALLET_STATUS[exception.code];
      reason = exception.message;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      reason = exception.message;
    }
    if (status >= 500) {
      const request = host.switchToHttp().getRequest<FastifyRequest>();
      this.logger.error({ reqId: request.id, err: exception }, 'Wallet request failed');
      reason = 'Internal server error';
    }
    void reply.status(status).header('cache-control', 'no-store').send({ reason });
  }
}
