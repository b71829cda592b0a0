import { execFileSync, spawnSync } from 'node:child_process';
import { SERVICE_V8_FLAGS } from '../src/v8-settings';

/** What V8 prints when `flags` are set at run time in a new process: nothing when it knows them all. */
function complaintsAbout(flags: readonly string[]): string {
  const script = flags.map((flag) => `require('node:v8').setFlagsFromString(${JSON.stringify(flag)});`).join('');
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`;
}

describe('the V8 flags the service sets', () => {
  // v8.setFlagsFromString does not fail on a flag V8 does not know; a Node upgrade that drops one should fail here instead.
  it.each(SERVICE_V8_FLAGS.map((flag) => [flag]))('%s is a flag of this Node', (flag) => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect(options).toContain(`  ${flag.replace(/^--no-/, '--')} (`);
    expect(complaintsAbout([flag])).toBe('');
  });

  it('would notice a flag V8 does not know', () => {
    expect(complaintsAbout(['--no-such-flag-in-v8'])).toContain('unrecognized flag');
  });
});
