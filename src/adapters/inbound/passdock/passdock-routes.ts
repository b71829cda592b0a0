import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { Problem, RequestProblemCode } from './passdock-errors';
import { sendPassdockProblems } from './passdock-http';
import { PassdockParams } from './passdock-params';

export const PASSDOCK_PREFIX = '/api/v1';
const JSON_SUFFIX_ROUTE = 'passdockJsonSuffix';
const ENDS_WITH_PARAMETER = /\/:[^/]+$/;

/**
 * Two Passdock behaviours that Nest's routing cannot express, set on each `/api/v1` route as
 * Fastify registers it:
 *
 * - A `.json` suffix on any path (Rails' format suffix; the Ruby gem calls `/templates.json`,
 *   reference §1). Paths that end in a parameter get it inside the parameter, where the id pipe
 *   drops it; a path that ends in a fixed segment gets a twin route with the suffix, so the
 *   OpenAPI document lists each endpoint once.
 * - A body that cannot be parsed (malformed JSON in an `application/json` body, an unknown
 *   content type, a body over the size limit) fails in Fastify before Nest runs, where Nest's
 *   filters do not reach; the route's own error handler answers it the Passdock way. Malformed
 *   JSON inside a form field is caught later, by the request readers.
 */
export function configurePassdockRoutes(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const config = route.config as Record<string, unknown> | undefined;
    if (!route.url.startsWith(PASSDOCK_PREFIX) || config?.[JSON_SUFFIX_ROUTE]) return;
    route.errorHandler = answerUnreadableRequest;
    // HEAD routes are Fastify's own twins of GET routes; the GET twin brings its HEAD along.
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (ENDS_WITH_PARAMETER.test(route.url) || methods.every((method) => method === 'HEAD')) return;
    fastify.route({
      ...route,
      url: `${route.url}.json`,
      path: undefined,
      prefix: undefined,
      config: { ...route.config, [JSON_SUFFIX_ROUTE]: true },
    } as RouteOptions);
  });
}

function answerUnreadableRequest(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 500;
  let problem: Problem;
  if (status === 413) {
    problem = { code: RequestProblemCode.RequestTooLarge, field: null, message: 'The request body is larger than the server accepts.' };
  } else if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    problem = { code: RequestProblemCode.MalformedJson, field: null, message: `The JSON body does not parse: ${error.message}` };
  } else if (status >= 400 && status < 500) {
    problem = { code: RequestProblemCode.MalformedRequest, field: null, message: error.message };
  } else {
    request.log.error({ err: error }, 'Passdock request failed before reaching its handler');
    problem = { code: RequestProblemCode.InternalError, field: null, message: 'Internal error.' };
  }
  // The body could not be read, so only the query can ask for messages.
  sendPassdockProblems(reply, PassdockParams.of(undefined, request.query).flag('errors'), [problem]);
}
