import { Command, CommandRunner, Option } from 'nest-commander';
import { CreateAccount } from '../../../application/create-account.use-case';
import { failCommand, printJsonLine } from './cli-output';

@Command({
  name: 'account:create',
  description: 'Create an account and print {"id","name","apiKey"} as one JSON line (the key is shown only once)',
})
export class AccountCreateCommand extends CommandRunner {
  constructor(private readonly createAccount: CreateAccount) {
    super();
  }

  async run(_args: string[], options: { name?: string }): Promise<void> {
    try {
      if (options.name === undefined) throw new Error('--name <name> is required.');
      const { account, apiKey } = await this.createAccount.execute(options.name);
      printJsonLine({ id: account.id, name: account.name, apiKey });
    } catch (error) {
      failCommand(error);
    }
  }

  @Option({ flags: '--name <name>', description: 'account name', required: true })
  parseName(value: string): string {
    return value;
  }
}
