import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { installSkycoreTransport } from './adapters/inbound/skycore/skycore-transport';
import { SKYCORE_MAX_XML_BYTES } from './adapters/inbound/skycore/skycore-xml';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { installRequestLog, SERVICE_LOGGER } from './request-log';

/**
 * Bodies Wallet sends are small (a push token, personalization answers, a batch of about fifty log
 * lines); the log route takes them from anyone, so larger ones are refused before they are parsed.
 */
const WALLET_BODY_LIMIT = 256 * 1024;

/**
 * The HTTP server under the application: Fastify, with a body limit that fits a template's images
 * (and a small one for the unauthenticated Wallet routes), and path parameters as long as a serial
 * number may be once percent-encoded (Fastify's default of 100 characters would shut passes with
 * long serials out of the Wallet web service).
 */
export function createHttpAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({ bodyLimit: 10 * 1024 * 1024, routerOptions: { maxParamLength: 1024 } });
  adapter.getInstance().addHook('onRoute', (route) => {
    if (route.url.startsWith('/wallet/')) route.bodyLimit = WALLET_BODY_LIMIT;
  });
  return adapter;
}

/** Options of the Nest application: logs buffered until pino takes over, errors thrown rather than exiting. */
export const APP_OPTIONS = { bufferLogs: true, abortOnError: false } as const;

/** Builds the HTTP application (not yet listening); shared by main.ts and the end-to-end tests. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(), APP_OPTIONS);
  return configureApp(app);
}

/**
 * Everything createApp does once the application object exists: logger, request log, body
 * parsers, the Skycore transport, Swagger, init. Exported for an application built from AppModule
 * another way (`npm run bench` builds one with a provider overridden, for its stock-packager
 * baseline).
 */
export async function configureApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  app.useLogger(app.get(Logger));
  installRequestLog(app.getHttpAdapter().getInstance(), app.get(SERVICE_LOGGER));
  await registerBodyParsers(app);
  installSkycoreTransport(app);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('passgate')
      .setDescription(
        'Apple Wallet pass issuance: a Passdock-compatible REST API, a Skycore-compatible XML API and ' +
          "Apple's Wallet web service over one issuance core.",
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'query', name: 'api_token', description: 'Passdock API key (`npm run cli -- account:create`)' }, 'api_token')
      .addTag('Passdock: templates', 'Passdock-compatible templates ("families") under /api/v1').addTag('Passdock: passes', 'Passdock-compatible passes under /api/v1')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await app.init();
  return app;
}

/**
 * Beyond Nest's JSON and urlencoded parsers: multipart forms (Skycore's PHP SDK posts the XML as a
 * multipart field `XML`) with fields attached to the body, and XML bodies as bytes (Skycore clients
 * that post the raw document), which the Skycore reader decodes by the document's own encoding.
 */
async function registerBodyParsers(app: NestFastifyApplication): Promise<void> {
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fieldSize: 8 * 1024 * 1024, fields: 200, files: 10, fileSize: 8 * 1024 * 1024, parts: 210 },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser(
      ['text/xml', 'application/xml'],
      { parseAs: 'buffer', bodyLimit: SKYCORE_MAX_XML_BYTES },
      (_request, body, done) => done(null, body),
    );
}
