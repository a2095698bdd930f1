import type { DeviceDeploymentRow } from './group-deployment.repository';
import { deviceDeploymentState } from './group-deployments.service';

const row = (r: Partial<DeviceDeploymentRow>): DeviceDeploymentRow => ({
  deviceId: 'device-a',
  deviceName: 'a',
  wins: true,
  runningId: null,
  runningRevision: null,
  runningHealth: null,
  latestId: null,
  latestRevision: null,
  latestStatus: null,
  latestDescription: null,
  latestRollbackReason: null,
  ...r,
});
const active = { status: 'ACTIVE' as const, currentRevision: 3 };
const running = (revision: number, health = 'RUNNING') => ({ runningId: `i${revision}`, runningRevision: revision, runningHealth: health });

describe("a group deployment's state on one member", () => {
  it('follows the current revision from nothing to running', () => {
    expect(deviceDeploymentState(active, row({}))).toBe('PENDING');
    expect(deviceDeploymentState(active, row({ latestRevision: 3, latestStatus: 'DEPLOYMENT_REQUESTED' }))).toBe('DEPLOYING');
    expect(deviceDeploymentState(active, row({ ...running(2), latestRevision: 3, latestStatus: 'DEPLOYMENT_PENDING' }))).toBe('DEPLOYING');
    expect(deviceDeploymentState(active, row({ ...running(3), latestRevision: 3, latestStatus: 'DEPLOYMENT_SUCCEEDED' }))).toBe('RUNNING');
    expect(deviceDeploymentState(active, row({ ...running(3, 'ERROR'), latestRevision: 3, latestStatus: 'DEPLOYMENT_SUCCEEDED' }))).toBe('UNHEALTHY');
  });

  it('tells an older revision waiting for its wave from one that came back after a failure', () => {
    expect(deviceDeploymentState(active, row({ ...running(2), latestRevision: 2, latestStatus: 'DEPLOYMENT_SUCCEEDED' }))).toBe('OUTDATED');
    expect(deviceDeploymentState(active, row({ ...running(2), latestRevision: 3, latestStatus: 'DEPLOYMENT_FAILED' }))).toBe('ROLLED_BACK');
    expect(deviceDeploymentState(active, row({ ...running(2), latestRevision: 3, latestStatus: 'REMOVAL_SUCCEEDED', latestRollbackReason: 'health' }))).toBe('ROLLED_BACK');
    expect(deviceDeploymentState(active, row({ latestRevision: 3, latestStatus: 'DEPLOYMENT_FAILED' }))).toBe('FAILED');
  });

  it('says when another deployment applies there, or this one was canceled', () => {
    expect(deviceDeploymentState(active, row({ wins: false }))).toBe('SUPERSEDED');
    expect(deviceDeploymentState(active, row({ wins: false, ...running(3) }))).toBe('REMOVING');
    expect(deviceDeploymentState({ status: 'CANCELED', currentRevision: 3 }, row({ ...running(3) }))).toBe('REMOVING');
    expect(deviceDeploymentState({ status: 'CANCELED', currentRevision: 3 }, row({ latestRevision: 3, latestStatus: 'REMOVAL_SUCCEEDED' }))).toBe('REMOVED');
  });
});
