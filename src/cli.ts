import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule, OfflineCliModule } from './adapters/inbound/cli/cli.module';
import { StderrLogger } from './adapters/inbound/cli/cli-output';
import { loadAppConfig } from './config/app-config';

const OFFLINE_COMMANDS = new Set(['pass:verify']);

async function main(): Promise<void> {
  const config = loadAppConfig();
  const root = OFFLINE_COMMANDS.has(process.argv[2]) ? OfflineCliModule.forRoot(config) : CliModule.forRoot(config);
  await CommandFactory.run(root, {
    logger: new StderrLogger(),
    abortOnError: false,
    serviceErrorHandler: (error) => {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 1;
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
