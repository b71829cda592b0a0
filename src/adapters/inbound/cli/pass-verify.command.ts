import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, CommandRunner, Option } from 'nest-commander';
import { AppConfig } from '../../../config/app-config';
import { verifyPkpass } from '../../outbound/signing/pkpass-verifier';
import { failCommand } from './cli-output';

@Command({
  name: 'pass:verify',
  arguments: '<file>',
  description:
    'Check a .pkpass the way a device does: manifest hashes, signature, certificate chain and expiry, pass.json and personalization.json schemas. Exit code 0 only when valid',
})
export class PassVerifyCommand extends CommandRunner {
  constructor(private readonly config: AppConfig) {
    super();
  }

  async run([file]: string[], options: { ca?: string[] }): Promise<void> {
    try {
      const bytes = await readFile(file).catch(() => {
        throw new Error(`Cannot read ${file}.`);
      });
      const caFiles = options.ca ?? [join(this.config.certsDir, 'wwdr.pem')].filter((path) => existsSync(path));
      const trustedCaPems = await Promise.all(caFiles.map((path) => readFile(path, 'utf8')));
      const report = await verifyPkpass(bytes, { trustedCaPems });
      const lines = [`${file}: ${report.valid ? 'VALID' : 'INVALID'}`];
      lines.push(`trusted CAs: ${caFiles.length > 0 ? caFiles.join(', ') : '(none; give --ca <pem>)'}`);
      for (const check of report.checks) lines.push(`  [${check.ok ? 'ok' : 'FAIL'}] ${check.name}: ${check.detail}`);
      process.stdout.write(`${lines.join('\n')}\n`);
      if (!report.valid) process.exitCode = 1;
    } catch (error) {
      failCommand(error);
    }
  }

  @Option({
    flags: '--ca <pem>',
    description: 'trusted CA certificate (repeatable); default CERTS_DIR/wwdr.pem',
  })
  parseCa(value: string, previous: string[] = []): string[] {
    return [...previous, value];
  }
}
