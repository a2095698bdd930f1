import { type RolloutState, type RolloutStep, type RolloutTally, nextRolloutStep } from './rollout.rules';

const waves = { initialSize: 2, growthFactor: 2 }; // waves of 2, 4, 8 … (through wave 0: 2, wave 1: 6)
const none: RolloutTally = { total: 0, succeeded: 0, failed: 0, timedOut: 0, active: 0, unsettled: 0, createdLastMinute: 0 };
const abort = { failurePercent: 50, minExecutedForAbort: 2 };

const cases: [string, Partial<RolloutState>, Partial<RolloutTally>, boolean, boolean, { start: boolean; step: RolloutStep }][] = [
  ['pending, window closed: waits, not started', { status: 'PENDING' }, {}, false, false, { start: false, step: { kind: 'wait', why: 'window' } }],
  ['pending, window open: starts and creates the first wave', { status: 'PENDING' }, {}, true, false, { start: true, step: { kind: 'create', wave: 0, limit: 2 } }],
  ['paused: idle', { status: 'PAUSED' }, {}, true, false, { start: false, step: { kind: 'idle' } }],
  ['completed: idle', { status: 'COMPLETED' }, {}, true, false, { start: false, step: { kind: 'idle' } }],
  ['in progress, window closed: waits', {}, { total: 2, active: 2, unsettled: 2 }, false, false, { start: false, step: { kind: 'wait', why: 'window' } }],
  ['wave 0 still running: waits', {}, { total: 2, active: 1, unsettled: 1, succeeded: 1 }, true, false, { start: false, step: { kind: 'wait', why: 'wave' } }],
  ['wave 0 settled: wave 1', {}, { total: 2, succeeded: 2 }, true, false, { start: false, step: { kind: 'create', wave: 1, limit: 4 } }],
  ['offline devices do not hold a wave', {}, { total: 2, succeeded: 1, active: 1, unsettled: 0 }, true, false, { start: false, step: { kind: 'create', wave: 1, limit: 4 } }],
  ['wave partly created: fills it', { currentWave: 1 }, { total: 4, succeeded: 2, active: 2, unsettled: 2 }, true, false, { start: false, step: { kind: 'create', wave: 1, limit: 2 } }],
  ['rate cap', { waves: { ...waves, maxPerMinute: 3 } }, { total: 2, succeeded: 2, createdLastMinute: 2 }, true, false, { start: false, step: { kind: 'create', wave: 1, limit: 1 } }],
  ['rate cap reached: waits', { waves: { ...waves, maxPerMinute: 2 } }, { total: 2, succeeded: 2, createdLastMinute: 2 }, true, false, { start: false, step: { kind: 'wait', why: 'rate' } }],
  ['too many failed: aborts', { abortConfig: abort }, { total: 2, succeeded: 1, failed: 1 }, true, false, { start: false, step: { kind: 'abort', reason: '1 of 2 executed jobs failed or timed out (threshold 50%)' } }],
  ['timeouts count as failures', { abortConfig: abort }, { total: 2, timedOut: 2 }, true, false, { start: false, step: { kind: 'abort', reason: '2 of 2 executed jobs failed or timed out (threshold 50%)' } }],
  ['abort even outside the window', { abortConfig: abort }, { total: 2, failed: 2 }, false, false, { start: false, step: { kind: 'abort', reason: '2 of 2 executed jobs failed or timed out (threshold 50%)' } }],
  ['below the minimum executed: no abort', { abortConfig: { failurePercent: 50, minExecutedForAbort: 3 } }, { total: 2, failed: 2 }, true, false, { start: false, step: { kind: 'create', wave: 1, limit: 4 } }],
  ['no target left, jobs active: waits', {}, { total: 1, active: 1, unsettled: 0 }, true, true, { start: false, step: { kind: 'wait', why: 'active' } }],
  ['no target left, all ended: completes', {}, { total: 1, succeeded: 1 }, true, true, { start: false, step: { kind: 'complete' } }],
];

describe('nextRolloutStep', () => {
  it.each(cases)('%s', (_name, state, tally, open, exhausted, expected) => {
    expect(nextRolloutStep({ status: 'IN_PROGRESS', currentWave: 0, waves, ...state }, { ...none, ...tally }, open, exhausted)).toEqual(expected);
  });

  it('never creates more than the batch limit', () => {
    expect(nextRolloutStep({ status: 'IN_PROGRESS', currentWave: 0, waves: { initialSize: 50_000, growthFactor: 1 } }, none, true, false, 10_000).step).toEqual({ kind: 'create', wave: 0, limit: 10_000 });
  });
});
