import { redactDatabaseUrl } from '../../src/config/database-url';

describe('redactDatabaseUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactDatabaseUrl('postgres://app:p%40ss@db:5432/x')).toBe('postgres://app:***@db:5432/x');
    expect(redactDatabaseUrl('postgres://app@db:5432/x')).toBe('postgres://app@db:5432/x');
    expect(redactDatabaseUrl('not a url //app:secret@db/x')).toBe('not a url //app:***@db/x');
  });
});
