import { Injectable } from '@nestjs/common';
import { Account, ApiKey, rejectUnknownKey } from '../domain/account';
import { AccountRepository } from '../domain/ports/account.repository';

@Injectable()
export class AuthenticateApiKey {
  constructor(private readonly accounts: AccountRepository) {}

  /** The account whose active key this is, or null; every miss costs a hash and a constant-time compare. */
  async execute(presented: string): Promise<Account | null> {
    const parsed = ApiKey.parse(presented);
    if (!parsed) {
      rejectUnknownKey(presented);
      return null;
    }
    const account = await this.accounts.findByApiKeyId(parsed.keyId);
    if (!account) {
      rejectUnknownKey(parsed.secret);
      return null;
    }
    return account.acceptsKey(parsed.keyId, parsed.secret) ? account : null;
  }
}
