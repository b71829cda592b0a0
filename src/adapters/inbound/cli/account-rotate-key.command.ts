import { Command, CommandRunner, Option } from 'nest-commander';
import { RotateApiKey } from '../../../application/rotate-api-key.use-case';
import { failCommand, parsePositiveInteger, printJsonLine } from './cli-output';

@Command({
  name: 'account:rotate-key',
  description: 'Revoke the account\'s API keys and print a new one as {"id","name","apiKey"}',
})
export class AccountRotateKeyCommand extends CommandRunner {
  constructor(private readonly rotateApiKey: RotateApiKey) {
    super();
  }

  async run(_args: string[], options: { id?: string }): Promise<void> {
    try {
      if (options.id === undefined) throw new Error('--id <id> is required.');
      const rotated = await this.rotateApiKey.execute(parsePositiveInteger(options.id, '--id'));
      printJsonLine({ id: rotated.accountId, name: rotated.name, apiKey: rotated.apiKey });
    } catch (error) {
      failCommand(error);
    }
  }

  @Option({ flags: '--id <id>', description: 'account id', required: true })
  parseId(value: string): string {
    return value;
  }
}
