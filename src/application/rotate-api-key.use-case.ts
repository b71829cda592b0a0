import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../domain/errors';
import { AccountRepository } from '../domain/ports/account.repository';
import { Clock } from '../domain/ports/clock';

@Injectable()
export class RotateApiKey {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly clock: Clock,
  ) {}

  /** Revokes the account's keys and returns the one new key. */
  async execute(accountId: number): Promise<{ accountId: number; name: string; apiKey: string }> {
    const account = await this.accounts.findById(accountId);
    if (!account) throw new DomainError(DomainErrorCode.AccountNotFound, `No account ${accountId}.`);
    const apiKey = account.rotateApiKey(this.clock.now());
    await this.accounts.save(account);
    return { accountId: account.id, name: account.name, apiKey };
  }
}
