import type { FastifyInstance, FastifyRequest } from 'fastify';
import pino, { type Logger as PinoLogger, type Level } from 'pino';

/** The Nest provider token of the service's pino logger (createServiceLogger's). */
export const SERVICE_LOGGER = 'SERVICE_LOGGER';

/** A query parameter that carries an API key, by its decoded name (`api%5Fkey` is `api_key` too). */
const API_KEY_PARAMETER = /^api_(key|token)(?![a-z0-9_])/i;

/** The request URL as logged: the values of API key parameters replaced, however their names are encoded. */
export function redactApiKeys(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const pairs = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      return equals !== -1 && API_KEY_PARAMETER.test(decodedName(name)) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, queryStart + 1)}${pairs.join('&')}`;
}

/**
 * A device library identifier is the only credential of Wallet's "what changed" list (Apple's
 * reference: keep it out of logs), so the path segment that carries it is replaced.
 */
export function redactDeviceLibraryIdentifiers(url: string): string {
  return url.replace(/^(\/wallet\/v1\/devices\/)[^/?]*/, '$1[redacted]');
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * The service's one pino logger: JSON lines on stdout, for the application's logs (through
 * nestjs-pino) and the request log alike. Tokens and keys travel in queries and headers: the
 * request log writes neither headers nor unredacted URLs, and these paths are censored besides,
 * should an object with them ever be logged.
 */
export function createServiceLogger(level: string, destination?: pino.DestinationStream): PinoLogger {
  const options = { level, redact: ['req.headers.authorization', 'req.query.api_token', 'req.query.api_key'] };
  return destination ? pino(options, destination) : pino(options);
}

/** pino-http's levels: server errors as errors, client errors as warnings, the rest as info. */
export function requestLogLevel(statusCode: number): Level {
  if (statusCode >= 500) return 'error';
  if (statusCode >= 400) return 'warn';
  return 'info';
}

/**
 * One line per answered request ("request completed": id, method, redacted URL, status, response
 * time in ms) and one per request its client left unanswered ("request aborted"), written by
 * Fastify hooks rather than pino-http's Nest middleware. That middleware cost about 50 µs of every
 * request whether or not its line was written: a child logger with the request serialized and
 * redacted, listeners on the response, @fastify/middie to run a Nest middleware at all, and
 * nestjs-pino's AsyncLocalStorage scope. A Wallet 304 took 130 µs of the service's CPU with it and
 * 76 µs with this hook (`npm run bench -- --only push-storm`, LOG_LEVEL error). A request whose line
 * is below the level costs a level check here. The application's own logs no longer carry the
 * request they were written in; the exception filters name it (`reqId`) where they log an error.
 */
export function installRequestLog(fastify: FastifyInstance, logger: PinoLogger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const level = requestLogLevel(reply.statusCode);
    if (logger.isLevelEnabled(level)) {
      logger[level](
        { req: loggedRequest(request), res: { statusCode: reply.statusCode }, responseTime: Math.round(reply.elapsedTime * 1000) / 1000 },
        'request completed',
      );
    }
    done();
  });
  // A client that leaves before its answer (a phone losing its network) gets no onResponse.
  fastify.addHook('onRequestAbort', (request, done) => {
    if (logger.isLevelEnabled('info')) logger.info({ req: loggedRequest(request) }, 'request aborted');
    done();
  });
}

function loggedRequest(request: FastifyRequest): { id: string; method: string; url: string } {
  return { id: request.id, method: request.method, url: redactDeviceLibraryIdentifiers(redactApiKeys(request.url)) };
}
