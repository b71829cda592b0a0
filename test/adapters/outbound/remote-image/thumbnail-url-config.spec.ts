import { ConfigurationError, loadAppConfig } from '../../../../src/config/app-config';

describe('THUMBNAIL_URL_* configuration', () => {
  it('defaults to refusing every host, 1 MiB and 5 seconds', () => {
    const config = loadAppConfig({}, '/srv');
    expect(config.thumbnailUrlAllowedHosts).toEqual([]);
    expect(config.thumbnailUrlMaxBytes).toBe(1024 * 1024);
    expect(config.thumbnailUrlTimeoutMs).toBe(5000);
  });

  it('reads a comma-separated host list (lower-cased, ports allowed) and the limits', () => {
    const config = loadAppConfig(
      {
        THUMBNAIL_URL_ALLOWED_HOSTS: ' Images.Example.com, cdn.example.com:8443,,[::1]:8080 ',
        THUMBNAIL_URL_MAX_BYTES: '65536',
        THUMBNAIL_URL_TIMEOUT_MS: '1500',
      },
      '/srv',
    );
    expect(config.thumbnailUrlAllowedHosts).toEqual(['images.example.com', 'cdn.example.com:8443', '[::1]:8080']);
    expect(config.thumbnailUrlMaxBytes).toBe(65536);
    expect(config.thumbnailUrlTimeoutMs).toBe(1500);
  });

  it('names every bad value', () => {
    let error: unknown;
    try {
      loadAppConfig(
        { THUMBNAIL_URL_ALLOWED_HOSTS: 'https://images.example.com/', THUMBNAIL_URL_MAX_BYTES: '1MB', THUMBNAIL_URL_TIMEOUT_MS: '0' },
        '/srv',
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems.join('\n');
    expect(problems).toContain('THUMBNAIL_URL_ALLOWED_HOSTS: "https://images.example.com/"');
    expect(problems).toContain('THUMBNAIL_URL_MAX_BYTES="1MB"');
    expect(problems).toContain('THUMBNAIL_URL_TIMEOUT_MS="0"');
  });
});
