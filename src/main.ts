import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { ConfigurationError, loadAppConfig } from './config/app-config';
import { applyServiceV8Flags } from './v8-settings';

applyServiceV8Flags();

async function main(): Promise<void> {
  const config = loadAppConfig();
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  const logger = new Logger('passgate');
  logger.log(`listening on ${await app.getUrl()}; links point at ${config.publicBaseUrl}`);
  const stop = (signal: NodeJS.Signals) => {
    logger.log(`${signal} received: finishing open requests, then stopping`);
    // app.close() stops accepting connections, lets in-flight requests finish, then closes the database.
    app
      .close()
      .then(() => {
        logger.log('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        process.stderr.write(`passgate did not stop cleanly: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  // A start-up failure is an operator's problem: say what is wrong in one readable message.
  const message = error instanceof ConfigurationError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`passgate could not start: ${message}\n`);
  if (process.env.LOG_LEVEL === 'debug' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
