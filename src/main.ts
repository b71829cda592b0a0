import 'reflect-metadata';
import { createApp } from './bootstrap';
import { ConfigurationError, loadAppConfig } from './config/app-config';

async function main(): Promise<void> {
  const config = loadAppConfig();
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  // A start-up failure is an operator's problem: say what is wrong in one readable message.
  const message = error instanceof ConfigurationError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`passgate could not start: ${message}\n`);
  if (process.env.LOG_LEVEL === 'debug' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
