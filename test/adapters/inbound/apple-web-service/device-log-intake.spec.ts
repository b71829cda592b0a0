import {
  DeviceLogIntake,
  MAX_LOG_ENTRIES_PER_REQUEST,
  MAX_LOG_ENTRY_LENGTH,
} from '../../../../src/adapters/inbound/apple-web-service/device-log-intake';

describe('DeviceLogIntake', () => {
  it('keeps strings only, without control characters, each cut to its bound', () => {
    const intake = new DeviceLogIntake(() => 0);
    const { accepted, dropped } = intake.take('10.0.0.1', ['line\none\u0000', 42, 'x'.repeat(MAX_LOG_ENTRY_LENGTH + 10)]);
    expect(accepted[0]).toBe('line one ');
    expect(accepted[1]).toHaveLength(MAX_LOG_ENTRY_LENGTH + '… [cut]'.length);
    expect(dropped).toBe(1);
  });

  it('bounds entries per request, per client and minute, and takes again in the next minute', () => {
    let now = 0;
    const intake = new DeviceLogIntake(() => now);
    const batch = Array.from({ length: MAX_LOG_ENTRIES_PER_REQUEST + 50 }, (_, index) => `entry ${index}`);
    expect(intake.take('10.0.0.1', batch)).toMatchObject({ dropped: 50 });
    let kept = MAX_LOG_ENTRIES_PER_REQUEST;
    for (let request = 0; request < 10; request += 1) kept += intake.take('10.0.0.1', batch).accepted.length;
    expect(kept).toBe(300);
    expect(intake.take('10.0.0.2', ['other client']).accepted).toEqual(['other client']);
    now += 60_000;
    expect(intake.take('10.0.0.1', ['again']).accepted).toEqual(['again']);
  });
});
