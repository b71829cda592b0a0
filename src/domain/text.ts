import { DomainError, DomainErrorCode } from './errors';

/**
 * Refuses U+0000 anywhere in `value`'s text (strings nested in objects and arrays; image bytes are
 * not text). PostgreSQL's text and json types cannot hold it, so it would fail only when stored,
 * and no pass.json reader expects it either.
 */
export function assertNoNulCharacter(value: unknown, where: string): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) {
      throw new DomainError(DomainErrorCode.TextInvalid, `${where} holds a NUL character (U+0000).`, { field: where });
    }
    return;
  }
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  for (const [key, member] of Object.entries(value)) {
    assertNoNulCharacter(key, where);
    assertNoNulCharacter(member, `${where}.${key}`);
  }
}

/** Whether a lookup key could be stored at all; one that could not matches nothing. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000');
}
