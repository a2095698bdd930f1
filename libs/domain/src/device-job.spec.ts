import { DomainError } from './errors';
import { assertJobAllowed, type JobTarget } from './device-job.rules';
import { deviceJobMachine, eventOfDeviceUpdate, executionStatusOf } from './device-job.machine';
import { devicesThroughWave, maintenanceWindowSchema, shouldAbort, waveSize } from './rollout.rules';

const device = (over: Partial<JobTarget> = {}): JobTarget => ({ deviceId: 'device-a', provisioningStatus: 'SUCCEEDED', currentSoftware: '4.3.45', ...over });
const image = { version: '4.3.55', majorVersionUpdate: false, uploaded: true };
const codeOf = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return `${(err as DomainError).code}: ${(err as Error).message}`;
  }
  return 'ok';
};

describe('device job machine', () => {
  it('walks an OTA through its steps and never back', () => {
    let s = deviceJobMachine.transition('PENDING', 'START');
    s = deviceJobMachine.transition(s, 'DOWNLOAD');
    expect(deviceJobMachine.next(s, 'DOWNLOAD')).toBe('DOWNLOADING'); // a repeat is fine
    s = deviceJobMachine.transition(s, 'VERIFY');
    expect(deviceJobMachine.next(s, 'DOWNLOAD')).toBeUndefined();
    s = deviceJobMachine.transition(s, 'DEVICE_SUCCEEDED');
    expect(s).toBe('REBOOTING');
    expect(deviceJobMachine.transition(s, 'CONFIRM')).toBe('COMPLETED');
    for (const event of ['START', 'FAIL', 'CANCEL', 'TIME_OUT', 'RETRY'] as const) expect(deviceJobMachine.next('COMPLETED', event)).toBeUndefined();
  });

  it('cancels only queued jobs, times out any active one', () => {
    expect(deviceJobMachine.next('PENDING', 'CANCEL')).toBe('CANCELED');
    expect(deviceJobMachine.next('DOWNLOADING', 'CANCEL')).toBeUndefined();
    expect(deviceJobMachine.next('REBOOTING', 'TIME_OUT')).toBe('TIMED_OUT');
    expect(() => deviceJobMachine.transition('FAILED', 'START')).toThrow('Device job cannot start while FAILED.');
  });

  it('maps device updates and execution statuses', () => {
    expect(eventOfDeviceUpdate('IN_PROGRESS', 'VERIFYING')).toBe('VERIFY');
    expect(eventOfDeviceUpdate('IN_PROGRESS', undefined)).toBe('START');
    expect(eventOfDeviceUpdate('QUEUED', undefined)).toBeUndefined();
    expect(eventOfDeviceUpdate('CANCELED', undefined)).toBeUndefined();
    expect(executionStatusOf('DOWNLOADING')).toBe('IN_PROGRESS');
    expect(executionStatusOf('REBOOTING', true)).toBe('SUCCEEDED');
    expect(executionStatusOf('PENDING')).toBe('QUEUED');
  });
});

describe('job rules', () => {
  const ota = { jobType: 'OTA' as const, imageVersion: '4.3.55' };

  it('accepts an upgrade within the major version', () => {
    expect(codeOf(() => assertJobAllowed(ota, [device()], image))).toBe('ok');
  });

  it('refuses with a precise reason', () => {
    expect(codeOf(() => assertJobAllowed(ota, [device({ provisioningStatus: 'PENDING' })], image))).toMatch(/^VALIDATION_FAILED: Jobs need provisioned devices.*device-a/);
    expect(codeOf(() => assertJobAllowed(ota, [device()], undefined))).toBe('NOT_FOUND: Software image 4.3.55 was not found; register and upload it first.');
    expect(codeOf(() => assertJobAllowed(ota, [device()], { ...image, uploaded: false }))).toMatch(/^CONFLICT: Software image 4.3.55 has no uploaded file/);
    expect(codeOf(() => assertJobAllowed(ota, [device({ currentSoftware: '4.3.55' })], image))).toMatch(/^VALIDATION_FAILED: Image 4.3.55 is not newer.*device-a \(4.3.55\)/);
    expect(codeOf(() => assertJobAllowed(ota, [device({ currentSoftware: '5.0.0' })], image))).toMatch(/downgrades/);
    expect(codeOf(() => assertJobAllowed(ota, [device({ activeOtaJobId: 'device-a-0' })], image))).toMatch(/^CONFLICT: These devices already have an OTA in progress: device-a \(device-a-0\)/);
    expect(codeOf(() => assertJobAllowed({ ...ota, imageVersion: '5.0.0' }, [device()], { ...image, version: '5.0.0' }))).toMatch(/major version update.*allowMajorVersionUpdate/);
    expect(codeOf(() => assertJobAllowed({ ...ota, imageVersion: '5.0.0', allowMajorVersionUpdate: true }, [device()], { ...image, version: '5.0.0' }))).toBe('ok');
    expect(codeOf(() => assertJobAllowed({ jobType: 'OTA' }, [device()], image))).toMatch(/imageVersion: is required/);
    expect(codeOf(() => assertJobAllowed({ jobType: 'REBOOT', imageVersion: '4.3.55' }, [device()], undefined))).toMatch(/REBOOT job takes no otaJobConfig/);
  });
});

describe('rollout rules', () => {
  it('grows waves geometrically', () => {
    const waves = { initialSize: 10, growthFactor: 2 };
    expect([0, 1, 2, 3].map((i) => waveSize(waves, i))).toEqual([10, 20, 40, 80]);
    expect(devicesThroughWave(waves, 2)).toBe(70);
    expect(waveSize({ initialSize: 3, growthFactor: 1.5 }, 1)).toBe(5);
  });

  it('aborts once enough executions failed', () => {
    const config = { failurePercent: 20, minExecutedForAbort: 10 };
    expect(shouldAbort(config, { executed: 5, failed: 5 })).toBe(false);
    expect(shouldAbort(config, { executed: 10, failed: 1 })).toBe(false);
    expect(shouldAbort(config, { executed: 10, failed: 2 })).toBe(true);
    expect(shouldAbort(null, { executed: 100, failed: 100 })).toBe(false);
  });

  it('validates maintenance windows', () => {
    expect(maintenanceWindowSchema.safeParse({ start: '22:00', end: '04:00', timezone: 'Europe/Berlin' }).success).toBe(true);
    expect(maintenanceWindowSchema.safeParse({ cron: '0 2 * * 1-5', durationMinutes: 120 }).success).toBe(true);
    expect(maintenanceWindowSchema.safeParse({ start: '22:00' }).success).toBe(false);
    expect(maintenanceWindowSchema.safeParse({ start: '25:00', end: '04:00' }).success).toBe(false);
    expect(maintenanceWindowSchema.safeParse({ start: '22:00', end: '04:00', timezone: 'Mars/Olympus' }).success).toBe(false);
  });
});
