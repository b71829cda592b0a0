import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthenticateApiKey } from '../../../application/authenticate-api-key.use-case';
import { PassdockRequestError, RequestProblemCode } from './passdock-errors';
import { passdockParamsOf, setPassdockAccount } from './passdock-http';

/**
 * Passdock's only authentication: the `api_token` parameter, in the query string or the body
 * (form or JSON), on every call (reference §1). A missing or unknown token is 401.
 * Running first on every Passdock route, it also answers what no endpoint can read
 * (PassdockParams.refused) once the caller is known, so strangers only ever learn 401.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  constructor(private readonly authenticateApiKey: AuthenticateApiKey) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = passdockParamsOf(request).text('api_token');
    const account = token ? await this.authenticateApiKey.execute(token) : null;
    if (!account) {
      throw new PassdockRequestError([
        {
          code: RequestProblemCode.Unauthorized,
          field: 'api_token',
          message: token ? 'This api_token opens no account.' : 'The api_token parameter is required.',
        },
      ]);
    }
    const { refused } = passdockParamsOf(request);
    if (refused.length > 0) throw new PassdockRequestError(refused);
    setPassdockAccount(request, account);
    return true;
  }
}
