import { DomainError, DomainErrorCode } from './errors';
import { constantTimeEquals, randomHex, randomUrlSafe, sha256Hex } from './secrets';

const API_KEY_PREFIX = 'pg_';
const KEY_ID_LENGTH = 16;
/** Stands in for a stored hash when no key matches, so a miss costs the same as a wrong secret. */
const UNMATCHABLE_HASH = sha256Hex('passgate:no-such-key');

/**
 * An API key is `pg_<16 hex key id><43 base64url secret>`. The key id locates the record; only
 * the SHA-256 of the secret is stored (the secret has 256 bits of entropy, so a slow hash adds
 * nothing), and it is compared in constant time.
 */
export class ApiKey {
  keyId!: string;
  secretHash!: string;
  createdAt!: Date;
  revokedAt!: Date | null;

  static generate(now: Date): { key: ApiKey; plaintext: string } {
    const key = new ApiKey();
    key.keyId = randomHex(KEY_ID_LENGTH / 2);
    const secret = randomUrlSafe(32);
    key.secretHash = sha256Hex(secret);
    key.createdAt = now;
    key.revokedAt = null;
    return { key, plaintext: `${API_KEY_PREFIX}${key.keyId}${secret}` };
  }

  /** Splits presented key text into its lookup id and secret; null when it cannot be a key of ours. */
  static parse(presented: string): { keyId: string; secret: string } | null {
    if (!presented.startsWith(API_KEY_PREFIX)) return null;
    const body = presented.slice(API_KEY_PREFIX.length);
    const keyId = body.slice(0, KEY_ID_LENGTH);
    const secret = body.slice(KEY_ID_LENGTH);
    if (!/^[0-9a-f]{16}$/.test(keyId) || !/^[A-Za-z0-9_-]{20,100}$/.test(secret)) return null;
    return { keyId, secret };
  }

  get active(): boolean {
    return this.revokedAt === null;
  }
}

export class Account {
  id!: number;
  name!: string;
  apiKeys!: ApiKey[];
  createdAt!: Date;

  static create(name: string, now: Date): { account: Account; apiKey: string } {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200) {
      throw new DomainError(DomainErrorCode.AccountNameInvalid, 'An account name must have 1 to 200 characters.');
    }
    const account = new Account();
    account.name = trimmed;
    account.createdAt = now;
    const { key, plaintext } = ApiKey.generate(now);
    account.apiKeys = [key];
    return { account, apiKey: plaintext };
  }

  /** Revokes every active key and issues a new one; the plaintext is returned once and never stored. */
  rotateApiKey(now: Date): string {
    for (const key of this.apiKeys) {
      if (key.active) key.revokedAt = now;
    }
    const { key, plaintext } = ApiKey.generate(now);
    this.apiKeys.push(key);
    return plaintext;
  }

  /** True when `secret` is the secret of this account's active key `keyId`; constant-time in the secret. */
  acceptsKey(keyId: string, secret: string): boolean {
    const key = this.apiKeys.find((candidate) => candidate.keyId === keyId && candidate.active);
    const matches = constantTimeEquals(sha256Hex(secret), key?.secretHash ?? UNMATCHABLE_HASH);
    return matches && key !== undefined;
  }
}

/** Burns the same hashing and comparison work as a real check, for presented keys that match no account. */
export function rejectUnknownKey(secret: string): false {
  constantTimeEquals(sha256Hex(secret), UNMATCHABLE_HASH);
  return false;
}
