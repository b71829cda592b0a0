import { isW3cDateTime } from '../../src/domain/relevance';

describe('isW3cDateTime', () => {
  it.each(['2026-02-28T10:00:00Z', '2028-02-29T10:00+02:00', '2026-12-31T23:59:59.123-0500'])('takes %s', (text) => {
    expect(isW3cDateTime(text)).toBe(true);
  });

  it.each([
    '2026-02-29T10:00:00Z',
    '2026-02-30T10:00:00Z',
    '2026-04-31T10:00:00Z',
    '2026-13-01T10:00:00Z',
    '2026-00-10T10:00:00Z',
    '2026-01-00T10:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T10:60:00Z',
    '2026-01-01T10:00:00',
    '2012-12-18 14:34',
  ])('refuses %s', (text) => {
    expect(isW3cDateTime(text)).toBe(false);
  });
});
