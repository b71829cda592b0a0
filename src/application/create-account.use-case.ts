import { Injectable } from '@nestjs/common';
import { Account } from '../domain/account';
import { AccountRepository } from '../domain/ports/account.repository';
import { Clock } from '../domain/ports/clock';

@Injectable()
export class CreateAccount {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly clock: Clock,
  ) {}

  /** The API key is returned here once; only its hash is stored. */
  async execute(name: string): Promise<{ account: Account; apiKey: string }> {
    const { account, apiKey } = Account.create(name, this.clock.now());
    await this.accounts.add(account);
    return { account, apiKey };
  }
}
