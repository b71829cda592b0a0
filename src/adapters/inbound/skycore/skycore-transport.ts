import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { pipeline, type Readable, Transform } from 'node:stream';
import { SkycoreFailure } from './skycore-errors';
import { failureXml, SKYCORE_CONTENT_TYPE } from './skycore-response';

/** The one Skycore endpoint (reference §1: `https://secure.skycore.com/API/wxml/1.3/index.php`). */
export const SKYCORE_PATH = '/API/wxml/1.3/index.php';

/**
 * The largest request body the endpoint reads: an XML document of SKYCORE_MAX_XML_BYTES, urlencoded
 * (up to three bytes per character) or in a multipart form, fits.
 */
export const SKYCORE_MAX_BODY_BYTES = 1024 * 1024;

const RAW_URLENCODED = Symbol('skycore.rawUrlencodedBody');
type WithRawBody = FastifyRequest & { [RAW_URLENCODED]?: string };

/** The methods the controller serves; HEAD comes with GET. */
const SERVED_METHODS = new Set(['GET', 'HEAD', 'POST']);

/**
 * Makes Fastify's own failures on the Skycore route answer like the protocol: content-type parser
 * errors (malformed JSON or urlencoded bodies, an unsupported content type, a body over a limit)
 * and multipart errors happen before any Nest handler or filter runs, and Fastify would answer
 * them with its JSON error. A route-level error handler, set when Nest registers the route, answers
 * them with a Failure envelope instead; other routes keep their handlers. It also keeps the raw
 * text of urlencoded bodies for the request reader (see readPostRequest), and answers every other
 * method Fastify knows (PUT, OPTIONS, TRACE …) with a Failure envelope rather than Nest's JSON 404:
 * nothing on this path answers otherwise.
 *
 * Must run before `app.init()`, which registers the routes.
 */
export function installSkycoreTransport(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (route.url !== SKYCORE_PATH) return;
    route.errorHandler = answerTransportError;
    const existing = route.preParsing === undefined ? [] : Array.isArray(route.preParsing) ? route.preParsing : [route.preParsing];
    route.preParsing = [...existing, limitAndKeepRawBody];
  });
  fastify.route({
    method: fastify.supportedMethods.filter((method) => !SERVED_METHODS.has(method)),
    url: SKYCORE_PATH,
    handler: (_request, reply) => sendFailure(reply, new SkycoreFailure('E100', 'Invalid request: use GET or POST.')),
  });
}

/** The raw text of a urlencoded body posted to the Skycore route, or null. */
export function rawUrlencodedBody(request: FastifyRequest): string | null {
  return (request as WithRawBody)[RAW_URLENCODED] ?? null;
}

function requestError(statusCode: number, code: string, message: string): FastifyError {
  const error = new Error(message) as FastifyError;
  error.statusCode = statusCode;
  error.code = code;
  return error;
}

const tooLarge = () => requestError(413, 'SKYCORE_BODY_TOO_LARGE', `the request body is larger than ${SKYCORE_MAX_BODY_BYTES} bytes.`);

/**
 * Bounds every body to SKYCORE_MAX_BODY_BYTES, refusing a declared length over it before reading.
 * Multipart bodies are read by @fastify/multipart from the raw request, past this hook's stream,
 * so for them the declared length is the bound (Node never reads past it) and one is required:
 * without it a chunked form could hold hundreds of megabytes of fields in memory. The PHP SDK's
 * curl, browsers and Swagger UI always send it. The text of urlencoded bodies is kept so the
 * request reader can still see a raw XML document behind that label: Ruby's Net::HTTP labels every
 * untyped body urlencoded, and the Skycore Ruby gem posts the raw XML so.
 */
async function limitAndKeepRawBody(request: FastifyRequest, _reply: FastifyReply, payload: Readable): Promise<Readable> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > SKYCORE_MAX_BODY_BYTES) throw tooLarge();
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/')) {
    if (request.headers['content-length'] === undefined) {
      throw requestError(411, 'SKYCORE_LENGTH_REQUIRED', 'a multipart body needs a Content-Length header.');
    }
    return payload;
  }
  const raw: Buffer[] | null = type.startsWith('application/x-www-form-urlencoded') ? [] : null;
  let size = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > SKYCORE_MAX_BODY_BYTES) return done(tooLarge());
      raw?.push(chunk);
      done(null, chunk);
    },
    // Runs before the parser sees the end of the body, so the raw text is there when the handler runs.
    flush(done) {
      if (raw !== null) (request as WithRawBody)[RAW_URLENCODED] = Buffer.concat(raw).toString('utf8');
      done();
    },
  });
  pipeline(payload, counted, () => undefined);
  return counted;
}

/**
 * Fastify-level failures as Failure envelopes with HTTP 200, as every Skycore answer is (§1,
 * "HTTP-level conventions"). They all arise while the request is read, so they are E100: with
 * Fastify's description for its own 4xx errors (it names the problem, not internals), without
 * detail for anything else, such as busboy's errors on a broken multipart body, which carry no
 * status; those are logged, in case one is not the client's doing.
 */
function answerTransportError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (reply.sent) return;
  const status = error.statusCode ?? 500;
  let failure: SkycoreFailure;
  if (status >= 400 && status < 500) {
    const hint =
      status === 415 ? ' Post the XML document in a form field "xml" (urlencoded or multipart) or as a text/xml body.' : '';
    failure = new SkycoreFailure('E100', `Invalid request: ${error.message.replace(/\.?$/, '.')}${hint}`);
  } else {
    request.log.warn({ err: error }, 'Skycore request body could not be read');
    failure = new SkycoreFailure('E100', 'Invalid request: the request body could not be read.');
  }
  sendFailure(reply, failure);
}

function sendFailure(reply: FastifyReply, failure: SkycoreFailure): void {
  void reply.code(200).header('content-type', SKYCORE_CONTENT_TYPE).send(failureXml(failure));
}
