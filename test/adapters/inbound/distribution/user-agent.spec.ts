import { escapeHtml } from '../../../../src/adapters/inbound/distribution/landing-page';
import { packageFileName } from '../../../../src/adapters/inbound/distribution/pass-package-response';
import { opensPassesNatively } from '../../../../src/adapters/inbound/distribution/user-agent';

describe('opensPassesNatively', () => {
  it.each([
    ['iPhone Safari', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'],
    ['iPad Safari (iPadOS 13+ desktop mode)', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15'],
    ['iPod Safari', 'Mozilla/5.0 (iPod touch; CPU iPhone OS 15_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.7 Mobile/15E148 Safari/604.1'],
  ])('is true for %s', (_name, userAgent) => {
    expect(opensPassesNatively(userAgent)).toBe(true);
  });

  it.each([
    ['desktop Chrome on a Mac', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'],
    ['Edge on a Mac', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80'],
    ['Firefox on a Mac', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:125.0) Gecko/20100101 Firefox/125.0'],
    ['Chrome on iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1'],
    ['Firefox on iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15'],
    ['an in-app web view on iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS]'],
    ['Android Chrome', 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36'],
    ['Windows Chrome', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'],
    ['curl', 'curl/8.5.0'],
    ['nothing', undefined],
  ])('is false for %s', (_name, userAgent) => {
    expect(opensPassesNatively(userAgent)).toBe(false);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that end text or attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });
});

describe('packageFileName', () => {
  it.each([
    ['1234567', '1234567.pkpass'],
    ['GALA/2026 #1', 'GALA_2026_1.pkpass'],
    ['../../etc/passwd', 'etc_passwd.pkpass'],
    ['"quoted"\r\nheader', 'quoted_header.pkpass'],
    ['////', 'pass.pkpass'],
  ])('turns %j into %j', (serial, fileName) => {
    expect(packageFileName(serial)).toBe(fileName);
  });
});
