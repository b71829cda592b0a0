import { ConfigurationError, loadAppConfig } from '../../src/config/app-config';

describe('PACKAGE_CACHE_MAX_BYTES', () => {
  it('defaults to 16 MiB and takes any whole number of bytes, 0 included', () => {
    expect(loadAppConfig({}, '/srv').packageCacheMaxBytes).toBe(16 * 1024 * 1024);
    expect(loadAppConfig({ PACKAGE_CACHE_MAX_BYTES: '1048576' }, '/srv').packageCacheMaxBytes).toBe(1048576);
    expect(loadAppConfig({ PACKAGE_CACHE_MAX_BYTES: '0' }, '/srv').packageCacheMaxBytes).toBe(0);
  });

  it.each(['-1', '64MB', '1.5', '99999999999999999999'])('refuses %s, naming the variable', (value) => {
    expect(() => loadAppConfig({ PACKAGE_CACHE_MAX_BYTES: value }, '/srv')).toThrow(ConfigurationError);
    expect(() => loadAppConfig({ PACKAGE_CACHE_MAX_BYTES: value }, '/srv')).toThrow(/PACKAGE_CACHE_MAX_BYTES/);
  });
});
