import { availableParallelism } from 'node:os';
import { ConfigurationError, defaultPackageBuildThreads, loadAppConfig } from '../../src/config/app-config';

describe('PACKAGE_BUILD_THREADS', () => {
  it('defaults to none on one core, one with two cores, two with more, and takes 0 to 16', () => {
    expect([1, 2, 3, 4, 64].map(defaultPackageBuildThreads)).toEqual([0, 1, 2, 2, 2]);
    expect(loadAppConfig({}, '/srv').packageBuildThreads).toBe(defaultPackageBuildThreads(availableParallelism()));
    expect(loadAppConfig({ PACKAGE_BUILD_THREADS: '0' }, '/srv').packageBuildThreads).toBe(0);
    expect(loadAppConfig({ PACKAGE_BUILD_THREADS: '3' }, '/srv').packageBuildThreads).toBe(3);
    expect(loadAppConfig({ PACKAGE_BUILD_THREADS: '16' }, '/srv').packageBuildThreads).toBe(16);
  });

  it.each(['-1', 'two', '1.5', '17'])('refuses %s, naming the variable', (value) => {
    expect(() => loadAppConfig({ PACKAGE_BUILD_THREADS: value }, '/srv')).toThrow(ConfigurationError);
    expect(() => loadAppConfig({ PACKAGE_BUILD_THREADS: value }, '/srv')).toThrow(/PACKAGE_BUILD_THREADS="[^"]*" must be a whole number from 0 to 16/);
  });
});
