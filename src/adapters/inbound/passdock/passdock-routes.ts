import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Readable } from 'node:stream';
import { Problem, RequestProblemCode } from './passdock-errors';
import { sendPassdockProblems } from './passdock-http';
import { PassdockParams } from './passdock-params';

export const PASSDOCK_PREFIX = '/api/v1';
const JSON_SUFFIX_ROUTE = 'passdockJsonSuffix';
const ENDS_WITH_PARAMETER = /\/:[^/]+$/;

/**
 * Passdock behaviours that Nest's routing cannot express, set on each `/api/v1` route as Fastify
 * registers it:
 *
 * - A `.json` suffix on any path (Rails' format suffix; the Ruby gem calls `/templates.json`,
 *   reference §1). Paths that end in a parameter get it inside the parameter, where the id pipe
 *   drops it; a path that ends in a fixed segment gets a twin route with the suffix, so the
 *   OpenAPI document lists each endpoint once.
 * - A body that cannot be parsed (malformed JSON in an `application/json` body, an unknown
 *   content type, a body over the size limit) fails in Fastify before Nest runs, where Nest's
 *   filters do not reach; the route's own error handler answers it the Passdock way. Malformed
 *   JSON inside a form field is caught later, by the request readers.
 * - Bodies read as Rails read them (see readAsRails): untyped ones as forms, empty ones as no
 *   parameters whatever their label.
 *
 * and a path under `/api/v1` that names no endpoint is a Passdock 404, where Nest would answer its
 * own JSON, which echoes the URL and with it the api_token.
 */
export function configurePassdockRoutes(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const config = route.config as Record<string, unknown> | undefined;
    if (!route.url.startsWith(PASSDOCK_PREFIX) || config?.[JSON_SUFFIX_ROUTE]) return;
    route.errorHandler = answerUnreadableRequest;
    const preParsing = route.preParsing === undefined ? [] : Array.isArray(route.preParsing) ? route.preParsing : [route.preParsing];
    route.preParsing = [...preParsing, readAsRails, boundMultipart];
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
  void fastify.register(
    async (passdock) => {
      passdock.setNotFoundHandler((request, reply) => {
        const path = request.url.split('?')[0];
        sendPassdockProblems(reply, PassdockParams.of(undefined, request.query).flag('errors'), [
          { code: RequestProblemCode.NotFound, field: null, message: `The Passdock API has no ${request.method} ${path}.` },
        ]);
      });
    },
    { prefix: PASSDOCK_PREFIX },
  );
}

/**
 * Passdock ran on Rails, whose Rack layer reads a POST body without Content-Type as a form (here
 * PUT and DELETE bodies too), and an empty body as no parameters even when it is labelled JSON.
 * Clients rely on both: the `passdock` npm client (reference S6) posts `pass=…&api_token=…` with
 * no Content-Type, and HTTP libraries configured with a JSON Content-Type send it on bodiless
 * DELETEs too. Fastify would refuse the first (415) and the second (empty JSON body), so the
 * header is set right before it parses.
 */
async function readAsRails(request: FastifyRequest, _reply: FastifyReply, payload: Readable): Promise<Readable> {
  const headers = request.headers;
  const empty = headers['transfer-encoding'] === undefined && (headers['content-length'] === undefined || headers['content-length'] === '0');
  if (empty) delete headers['content-type'];
  else if (!headers['content-type']) headers['content-type'] = 'application/x-www-form-urlencoded';
  return payload;
}

/** The same limit as every other body (FastifyAdapter's bodyLimit in bootstrap.ts). */
export const PASSDOCK_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * @fastify/multipart reads the raw request past Fastify's body limit, so a multipart body is
 * bounded by its declared length (Node never reads past it), which is therefore required: a
 * chunked form could otherwise hold hundreds of megabytes of fields in memory.
 */
async function boundMultipart(request: FastifyRequest, _reply: FastifyReply, payload: Readable): Promise<Readable> {
  if (!String(request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/')) return payload;
  const declared = Number(request.headers['content-length']);
  if (request.headers['content-length'] === undefined || !Number.isFinite(declared)) {
    throw requestError(411, 'a multipart body needs a Content-Length header.');
  }
  if (declared > PASSDOCK_MAX_BODY_BYTES) throw requestError(413, 'the request body is larger than the server accepts.');
  return payload;
}

function requestError(statusCode: number, message: string): FastifyError {
  const error = new Error(message) as FastifyError;
  error.statusCode = statusCode;
  return error;
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
