import { availableParallelism } from 'node:os';
import { ConfigurationError, loadAppConfig } from '../../src/config/app-config';

describe('PACKAGE_BUILD_THREADS', () => {
  it('defaults to one thread where there is a second core, none on one core, and takes 0 to 16', () => {
    expect(loadAppConfig({}, '/srv').packageBuildThreads).toBe(availableParallelism() > 1 ? 1 : 0);
    expect(loadAppConfig({ PACKAGE_BUILD_THREADS: '0' }, '/srv').packageBuildThreads).toBe(0);
    expect(loadAppConfig({ PACKAGE_BUILD_THREADS: '3' }, '/srv').packageBuildThreads).toBe(3);
    expect(loadAppConfig({ PACKAGE_BUILD_THREADS: '16' }, '/srv').packageBuildThreads).toBe(16);
  });

  it.each(['-1', 'two', '1.5', '17'])('refuses %s, naming the variable', (value) => {
    expect(() => loadAppConfig({ PACKAGE_BUILD_THREADS: value }, '/srv')).toThrow(ConfigurationError);
    expect(() => loadAppConfig({ PACKAGE_BUILD_THREADS: value }, '/srv')).toThrow(/PACKAGE_BUILD_THREADS="[^"]*" must be a whole number from 0 to 16/);
  });
});
