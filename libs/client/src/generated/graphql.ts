/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** VIEWER reads; OPERATOR also changes the fleet; ADMIN also manages keys. */
export type ApiKeyRole =
  | 'ADMIN'
  | 'OPERATOR'
  | 'VIEWER';

export type ApplicationInstanceFilterInput = {
  deviceId?: string | number | null | undefined;
  statusFilter?: ApplicationInstanceStatusFilter | null | undefined;
};

/** What the device says of the running instance. */
export type ApplicationInstanceHealthStatus =
  | 'ERROR'
  | 'NOT_AVAILABLE'
  | 'RUNNING';

/** Panorama's deployment and removal steps. */
export type ApplicationInstanceStatus =
  | 'DEPLOYMENT_ERROR'
  | 'DEPLOYMENT_FAILED'
  | 'DEPLOYMENT_IN_PROGRESS'
  | 'DEPLOYMENT_PENDING'
  | 'DEPLOYMENT_REQUESTED'
  | 'DEPLOYMENT_SUCCEEDED'
  | 'REMOVAL_FAILED'
  | 'REMOVAL_IN_PROGRESS'
  | 'REMOVAL_PENDING'
  | 'REMOVAL_REQUESTED'
  | 'REMOVAL_SUCCEEDED';

/** Panorama ListApplicationInstances' StatusFilter. */
export type ApplicationInstanceStatusFilter =
  | 'DEPLOYMENT_ERROR'
  | 'DEPLOYMENT_FAILED'
  | 'DEPLOYMENT_SUCCEEDED'
  | 'PROCESSING_DEPLOYMENT'
  | 'PROCESSING_REMOVAL'
  | 'REMOVAL_FAILED'
  | 'REMOVAL_SUCCEEDED';

/** How an Ethernet port gets its address (Panorama's ConnectionType). */
export type ConnectionType =
  | 'DHCP'
  | 'STATIC_IP';

export type CreateApiKeyInput = {
  name: string;
  role: ApiKeyRole;
};

export type CreateApplicationInstanceInput = {
  /** An instance on the same device this one replaces; if the new one fails, the old one keeps running. */
  applicationInstanceIdToReplace?: string | null | undefined;
  /** The device to run on. */
  defaultRuntimeContextDevice: string;
  description?: string | null | undefined;
  /** Deploy-time overrides (nodeGraphOverrides): cameras, parameters, ports. */
  manifestOverridesPayload?: ManifestPayloadInput | null | undefined;
  /** The application manifest (graph.json's nodeGraph). */
  manifestPayload: ManifestPayloadInput;
  name?: string | null | undefined;
  runtimeRoleArn?: string | null | undefined;
  tags?: Array<TagInput> | null | undefined;
};

/** A continuous deployment: the group's members run its application, devices that join included. */
export type CreateDeploymentInput = {
  /** The application instance's name on each device (the deployment's name by default). Deployments naming the same one conflict where their groups overlap. */
  applicationInstanceName?: string | null | undefined;
  /** Unique in the organization. */
  deploymentName: string;
  failureHandling?: DeploymentFailureHandling | null | undefined;
  /** With ROLLBACK: how long after a revision runs an ERROR health rolls it back (10 to 86400 s). */
  healthCheckSeconds?: number | null | undefined;
  manifestOverridesPayload?: ManifestPayloadInput | null | undefined;
  manifestPayload: ManifestPayloadInput;
  /** On a conflict the higher priority applies (0 to 1000). */
  priority?: number | null | undefined;
  rollout?: RevisionRolloutInput | null | undefined;
  /** A software image version the devices run this revision on: a device behind it gets an OTA job first and the application once it runs the version (devices on it or newer deploy at once). */
  softwareVersion?: string | null | undefined;
  thingGroupName: string;
};

export type CreateJobForDevicesInput = {
  /** 1 to 10,000 devices of your organization. */
  deviceIds: Array<string | number>;
  deviceJobConfig?: DeviceJobConfigInput | null | undefined;
  jobType: JobType;
};

export type CreateNodeFromTemplateJobInput = {
  jobTags?: Array<TagInput> | null | undefined;
  /** Up to 255 characters. */
  nodeDescription?: string | null | undefined;
  /** The camera node: 1 to 128 of a-z, A-Z, 0-9, _ and -. */
  nodeName: string;
  /** 1 to 128 of a-z, A-Z, 0-9, _ and -; the package manifests reference as <account id>::<name>. */
  outputPackageName: string;
  /** Like 1.0. */
  outputPackageVersion: string;
  templateParameters: TemplateParametersInput;
  templateType: TemplateType;
};

/** AWS IoT CreateRoleAlias: what devices exchange their certificates for at the credentials provider. Locally the policy says what the credentials allow on EdgeFleet's S3-compatible endpoint. */
export type CreateRoleAliasInput = {
  /** How long issued credentials last: 900 to 43200 seconds, 3600 by default. */
  credentialDurationSeconds?: number | null | undefined;
  /** An IAM policy document (JSON): statements of Effect, Action (s3:PutObject, s3:GetObject, s3:ListBucket, s3:DeleteObject, s3:*) and Resource (S3 ARNs, with ${credentials-iot:ThingName} and ${credentials-iot:ThingTypeName}). Without one the alias allows nothing. */
  policyDocument?: string | null | undefined;
  /** 1 to 128 letters, digits or =,@-_; unique in the organization. */
  roleAlias: string;
  /** The IAM role it stands for: required with IOT_BACKEND=aws (the alias is then made in AWS IoT), informative locally. */
  roleArn?: string | null | undefined;
};

export type CreateRolloutInput = {
  abortConfig?: RolloutAbortInput | null | undefined;
  deviceJobConfig?: DeviceJobConfigInput | null | undefined;
  /** Only report which devices would be touched. */
  dryRun?: boolean | null | undefined;
  jobType: RolloutJobType;
  maintenanceWindow?: MaintenanceWindowInput | null | undefined;
  name: string;
  /** Further executions of a job that failed or timed out. */
  retries?: number | null | undefined;
  target: RolloutTargetInput;
  timeouts?: JobTimeoutsInput | null | undefined;
  waves: RolloutWavesInput;
};

/** AWS IoT CreateThingGroup, or CreateDynamicThingGroup with a queryString. */
export type CreateThingGroupInput = {
  description?: string | null | undefined;
  /** Makes the group dynamic: its members are the devices this fleet-indexing query matches, followed as they change. Fields: thingName, deviceName, attributes.<tag> (or tags.<tag>), softwareVersion, deviceType, brand, provisioningStatus, connectivity.connected, connectivity.status; wildcards * and ?, ranges [a TO b], comparisons >, >=, <, <=, AND, OR, NOT and parentheses. */
  queryString?: string | null | undefined;
  /** 1 to 128 of a-z, A-Z, 0-9, :, _ and -; unique in the organization. */
  thingGroupName: string;
};

/** What a deployment rollout deploys on each device. */
export type DeployApplicationConfigInput = {
  /** The name of the new instances. */
  applicationInstanceName?: string | null | undefined;
  manifestOverridesPayload?: ManifestPayloadInput | null | undefined;
  manifestPayload: ManifestPayloadInput;
  /** On each device, the instance of this name is replaced (it keeps running if the new one fails). */
  replaceApplicationInstanceName?: string | null | undefined;
};

/** ROLLBACK: a revision whose health turns ERROR within healthCheckSeconds of running is replaced by the device's last revision that ran. DO_NOTHING: it stays. A revision that fails to start never replaces the one running, either way. */
export type DeploymentFailureHandling =
  | 'DO_NOTHING'
  | 'ROLLBACK';

/** A group deployment's revision: the application (as createApplicationInstance takes it) and how it rolls out. */
export type DeploymentRevisionInput = {
  manifestOverridesPayload?: ManifestPayloadInput | null | undefined;
  manifestPayload: ManifestPayloadInput;
  rollout?: RevisionRolloutInput | null | undefined;
  /** A software image version the devices run this revision on: a device behind it gets an OTA job first and the application once it runs the version (devices on it or newer deploy at once). */
  softwareVersion?: string | null | undefined;
};

/** A group deployment keeps its group running its current revision until it is canceled. */
export type DeploymentStatus =
  | 'ACTIVE'
  | 'CANCELED';

/** One word for the device's state, most urgent first. */
export type DeviceAggregatedStatus =
  | 'AWAITING_PROVISIONING'
  | 'DELETING'
  | 'ERROR'
  | 'FAILED'
  | 'LEASE_EXPIRED'
  | 'OFFLINE'
  | 'ONLINE'
  | 'PENDING'
  | 'REBOOTING'
  | 'UPDATE_NEEDED';

/** Hardware brand. */
export type DeviceBrand =
  | 'AWS_PANORAMA'
  | 'LENOVO';

/** Whether the device is connected to EdgeFleet. */
export type DeviceConnectionStatus =
  | 'AWAITING_CREDENTIALS'
  | 'ERROR'
  | 'NOT_AVAILABLE'
  | 'OFFLINE'
  | 'ONLINE';

/** A group deployment on one member: PENDING (nothing yet: its wave has not come), DEPLOYING (the current revision on its way; an offline device gets it on return), RUNNING or UNHEALTHY (the current revision runs), OUTDATED (an older revision runs, the new one has not reached it), ROLLED_BACK (an older revision runs again after the new one failed), FAILED (nothing runs), SUPERSEDED (a higher-priority deployment names the same application), REMOVING/REMOVED (canceled). */
export type DeviceDeploymentState =
  | 'DEPLOYING'
  | 'FAILED'
  | 'OUTDATED'
  | 'PENDING'
  | 'REMOVED'
  | 'REMOVING'
  | 'ROLLED_BACK'
  | 'RUNNING'
  | 'SUPERSEDED'
  | 'UNHEALTHY';

export type DeviceFilterInput = {
  deviceAggregatedStatus?: DeviceAggregatedStatus | null | undefined;
  deviceConnectionStatus?: DeviceConnectionStatus | null | undefined;
  /** Case-insensitive substring of the name. */
  nameContains?: string | null | undefined;
  provisioningStatus?: ProvisioningStatus | null | undefined;
  /** Every tag must match; a tag without value matches any value. */
  tags?: Array<TagInput> | null | undefined;
};

export type DeviceJobConfigInput = {
  /** For DEPLOY_APPLICATION rollouts. */
  deployApplicationConfig?: DeployApplicationConfigInput | null | undefined;
  otaJobConfig?: OtaJobConfigInput | null | undefined;
};

export type DeviceOrderInput = {
  field: DeviceSortBy;
  order?: SortOrder;
};

/** Sort key of device lists. */
export type DeviceSortBy =
  | 'CREATED_TIME'
  | 'DEVICE_ID'
  | 'NAME';

/** Hardware type. */
export type DeviceType =
  | 'PANORAMA_APPLIANCE'
  | 'PANORAMA_APPLIANCE_DEVELOPER_KIT';

export type EthernetConfigurationInput = {
  connectionType: ConnectionType;
  staticIpConnectionInfo?: StaticIpConnectionInfoInput | null | undefined;
};

/** The AWS IoT job execution status the device sees. */
export type JobExecutionStatus =
  | 'CANCELED'
  | 'FAILED'
  | 'IN_PROGRESS'
  | 'QUEUED'
  | 'REJECTED'
  | 'REMOVED'
  | 'SUCCEEDED'
  | 'TIMED_OUT';

export type JobTimeoutsInput = {
  inProgressSeconds?: number | null | undefined;
  queuedSeconds?: number | null | undefined;
  rebootingSeconds?: number | null | undefined;
};

/** What a device job does. */
export type JobType =
  | 'OTA'
  | 'REBOOT';

/** Either cron + durationMinutes, or a daily start and end (HH:MM), in timezone. */
export type MaintenanceWindowInput = {
  cron?: string | null | undefined;
  durationMinutes?: number | null | undefined;
  end?: string | null | undefined;
  start?: string | null | undefined;
  timezone?: string | null | undefined;
};

/** A JSON document as text, as Panorama wraps it ({"PayloadData": "…"}); at most 51,200 characters. */
export type ManifestPayloadInput = {
  payloadData: string;
};

/** State of a network interface. */
export type NetworkConnectionStatus =
  | 'CONNECTED'
  | 'CONNECTING'
  | 'NOT_CONNECTED';

/** Panorama's advanced network settings, shipped in the bundle. */
export type NetworkingConfigurationInput = {
  ethernet0?: EthernetConfigurationInput | null | undefined;
  ethernet1?: EthernetConfigurationInput | null | undefined;
  ntp?: NtpConfigurationInput | null | undefined;
};

export type NodeFromTemplateJobStatus =
  | 'FAILED'
  | 'PENDING'
  | 'SUCCEEDED';

/** What the device says of one node. */
export type NodeInstanceStatus =
  | 'ERROR'
  | 'NOT_AVAILABLE'
  | 'PAUSED'
  | 'RUNNING';

/** PAUSE stops a node (a camera stream, say); RESUME runs it again. */
export type NodeSignal =
  | 'PAUSE'
  | 'RESUME';

export type NodeSignalInput = {
  nodeInstanceId: string;
  signal: NodeSignal;
};

export type NtpConfigurationInput = {
  ntpServers: Array<string>;
};

/** AWS IoT secure tunneling OpenTunnel, to one device. */
export type OpenTunnelInput = {
  description?: string | null | undefined;
  deviceId: string | number;
  /** 1 to 3 service ids (SSH, HTTP, …): the device's agent maps each to a local address it allows. */
  services: Array<string>;
  /** How long the tunnel may stay open: 1 to 720 minutes (the default). */
  timeoutMinutes?: number | null | undefined;
};

export type OtaJobConfigInput = {
  allowMajorVersionUpdate?: boolean | null | undefined;
  imageVersion: string;
};

export type ProvisionDeviceInput = {
  /** The appliance brand (AWS_PANORAMA by default; LENOVO for Lenovo ThinkEdge appliances). */
  brand?: DeviceBrand | null | undefined;
  description?: string | null | undefined;
  /** Unique in the organization; a-z, A-Z, 0-9, _ and -; cannot be changed later. */
  name: string;
  networkingConfiguration?: NetworkingConfigurationInput | null | undefined;
  tags?: Array<TagInput> | null | undefined;
};

/** Where the device is in provisioning. */
export type ProvisioningStatus =
  | 'AWAITING_PROVISIONING'
  | 'DELETING'
  | 'ERROR'
  | 'FAILED'
  | 'PENDING'
  | 'SUCCEEDED';

export type RegisterPackageVersionInput = {
  /** Make this the latest patch of the version (the default for the first patch). */
  markLatest?: boolean | null | undefined;
  packageId: string;
  /** Like 1.0; the manifest says the same. */
  packageVersion: string;
  /** The lowercase hex SHA-256 of the uploaded package manifest (package.json). */
  patchVersion: string;
};

export type RegisterSoftwareImageInput = {
  /** Devices need allowMajorVersionUpdate to install it. */
  majorVersionUpdate?: boolean | null | undefined;
  releaseNotes?: string | null | undefined;
  /** Dotted numbers, e.g. 4.3.55. */
  version: string;
};

/** How a revision reaches the members: waves, rate, abort threshold, window. Without one, a revision takes the previous one's (100 devices first, doubling, by default). */
export type RevisionRolloutInput = {
  abortConfig?: RolloutAbortInput | null | undefined;
  maintenanceWindow?: MaintenanceWindowInput | null | undefined;
  waves?: RolloutWavesInput | null | undefined;
};

export type RolloutAbortInput = {
  failurePercent: number;
  minExecutedForAbort: number;
};

/** What a rollout does on each device: a device job, or an application deployment. */
export type RolloutJobType =
  | 'DEPLOY_APPLICATION'
  | 'OTA'
  | 'REBOOT';

/** Where a rollout is. */
export type RolloutStatus =
  | 'ABORTED'
  | 'CANCELED'
  | 'COMPLETED'
  | 'IN_PROGRESS'
  | 'PAUSED'
  | 'PENDING';

export type RolloutTargetInput = {
  deviceIds?: Array<string | number> | null | undefined;
  filter?: DeviceFilterInput | null | undefined;
  /** Devices having every tag. */
  tags?: Array<TagInput> | null | undefined;
  /** A thing group's members, as they are when each wave starts. */
  thingGroupName?: string | null | undefined;
};

export type RolloutWavesInput = {
  growthFactor?: number;
  initialSize: number;
  /** Jobs created per minute at most. */
  maxPerMinute?: number | null | undefined;
};

/** Sort direction. */
export type SortOrder =
  | 'ASCENDING'
  | 'DESCENDING';

export type StaticIpConnectionInfoInput = {
  defaultGateway: string;
  dns: Array<string>;
  ipAddress: string;
  mask: string;
};

export type TagInput = {
  key: string;
  /** Omit for a key-only tag. */
  value?: string | null | undefined;
};

/** RTSP_CAMERA_STREAM values: the username and password go to the secret store and are never shown again. */
export type TemplateParametersInput = {
  password: string;
  /** rtsp:// or rtsps:// with a host, without credentials in it. */
  streamUrl: string;
  username: string;
};

/** What createNodeFromTemplateJob makes: an RTSP camera stream. */
export type TemplateType =
  | 'RTSP_CAMERA_STREAM';

/** Which side's access token to rotate (AWS IoT secure tunneling ClientMode). */
export type TunnelClientMode =
  | 'ALL'
  | 'DESTINATION'
  | 'SOURCE';

/** Whether a side's local proxy is joined to the tunnel now. */
export type TunnelConnectionStatus =
  | 'CONNECTED'
  | 'DISCONNECTED';

/** OPEN until closed (closeTunnel) or until its lifetime (timeoutMinutes) ends. */
export type TunnelStatus =
  | 'CLOSED'
  | 'OPEN';

/** A device job's status (Panorama's UpdateProgress, plus CANCELED, TIMED_OUT and REJECTED). */
export type UpdateProgress =
  | 'CANCELED'
  | 'COMPLETED'
  | 'DOWNLOADING'
  | 'FAILED'
  | 'IN_PROGRESS'
  | 'PENDING'
  | 'REBOOTING'
  | 'REJECTED'
  | 'TIMED_OUT'
  | 'VERIFYING';

/** AWS IoT UpdateRoleAlias: what is given changes; credentials already issued follow the new policy within seconds. */
export type UpdateRoleAliasInput = {
  credentialDurationSeconds?: number | null | undefined;
  policyDocument?: string | null | undefined;
  roleArn?: string | null | undefined;
};

/** AWS IoT UpdateThingGroup / UpdateDynamicThingGroup. */
export type UpdateThingGroupInput = {
  description?: string | null | undefined;
  /** Refused with VERSION_CONFLICT unless the group is at this version. */
  expectedVersion?: number | null | undefined;
  /** A dynamic group's new query: its members are evaluated again. */
  queryString?: string | null | undefined;
};

export type DeviceFieldsFragment = { deviceId: string, name: string, description: string | null, arn: string, type: DeviceType, brand: DeviceBrand, serialNumber: string | null, provisioningStatus: ProvisioningStatus, provisioningStatusReason: string | null, deviceConnectionStatus: DeviceConnectionStatus, deviceAggregatedStatus: DeviceAggregatedStatus, currentSoftware: string | null, latestSoftware: string | null, lastSeenAt: string | null, leaseExpirationTime: string | null, createdTime: string, tags: Array<{ key: string, value: string }> };

export type DevicesQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: DeviceFilterInput | null | undefined;
  orderBy?: DeviceOrderInput | null | undefined;
}>;


export type DevicesQuery = { devices: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { deviceId: string, name: string, description: string | null, arn: string, type: DeviceType, brand: DeviceBrand, serialNumber: string | null, provisioningStatus: ProvisioningStatus, provisioningStatusReason: string | null, deviceConnectionStatus: DeviceConnectionStatus, deviceAggregatedStatus: DeviceAggregatedStatus, currentSoftware: string | null, latestSoftware: string | null, lastSeenAt: string | null, leaseExpirationTime: string | null, createdTime: string, tags: Array<{ key: string, value: string }> } }> } };

export type DeviceDetailsFragment = { deviceId: string, name: string, description: string | null, arn: string, type: DeviceType, brand: DeviceBrand, serialNumber: string | null, provisioningStatus: ProvisioningStatus, provisioningStatusReason: string | null, deviceConnectionStatus: DeviceConnectionStatus, deviceAggregatedStatus: DeviceAggregatedStatus, currentSoftware: string | null, latestSoftware: string | null, lastSeenAt: string | null, leaseExpirationTime: string | null, createdTime: string, networkingConfiguration: { ethernet0: { connectionType: ConnectionType, staticIpConnectionInfo: { ipAddress: string, mask: string, defaultGateway: string, dns: Array<string> } | null } | null, ethernet1: { connectionType: ConnectionType } | null, ntp: { ntpServers: Array<string> } | null } | null, currentNetworkingStatus: { lastUpdatedTime: string | null, ethernet0Status: { ipAddress: string | null, connectionStatus: NetworkConnectionStatus | null, hwAddress: string | null } | null, ethernet1Status: { ipAddress: string | null, connectionStatus: NetworkConnectionStatus | null, hwAddress: string | null } | null, ntpStatus: { connectionStatus: NetworkConnectionStatus | null, ipAddress: string | null, ntpServerName: string | null } | null } | null, tags: Array<{ key: string, value: string }> };

export type DeviceQueryVariables = Exact<{
  deviceId: string | number;
}>;


export type DeviceQuery = { device: { deviceId: string, name: string, description: string | null, arn: string, type: DeviceType, brand: DeviceBrand, serialNumber: string | null, provisioningStatus: ProvisioningStatus, provisioningStatusReason: string | null, deviceConnectionStatus: DeviceConnectionStatus, deviceAggregatedStatus: DeviceAggregatedStatus, currentSoftware: string | null, latestSoftware: string | null, lastSeenAt: string | null, leaseExpirationTime: string | null, createdTime: string, networkingConfiguration: { ethernet0: { connectionType: ConnectionType, staticIpConnectionInfo: { ipAddress: string, mask: string, defaultGateway: string, dns: Array<string> } | null } | null, ethernet1: { connectionType: ConnectionType } | null, ntp: { ntpServers: Array<string> } | null } | null, currentNetworkingStatus: { lastUpdatedTime: string | null, ethernet0Status: { ipAddress: string | null, connectionStatus: NetworkConnectionStatus | null, hwAddress: string | null } | null, ethernet1Status: { ipAddress: string | null, connectionStatus: NetworkConnectionStatus | null, hwAddress: string | null } | null, ntpStatus: { connectionStatus: NetworkConnectionStatus | null, ipAddress: string | null, ntpServerName: string | null } | null } | null, tags: Array<{ key: string, value: string }> } };

export type DevicePageQueryVariables = Exact<{
  deviceId: string | number;
  operator: boolean;
}>;


export type DevicePageQuery = { device: { deviceId: string, name: string, description: string | null, arn: string, type: DeviceType, brand: DeviceBrand, serialNumber: string | null, provisioningStatus: ProvisioningStatus, provisioningStatusReason: string | null, deviceConnectionStatus: DeviceConnectionStatus, deviceAggregatedStatus: DeviceAggregatedStatus, currentSoftware: string | null, latestSoftware: string | null, lastSeenAt: string | null, leaseExpirationTime: string | null, createdTime: string, system: any, applications: any, networkingConfiguration: { ethernet0: { connectionType: ConnectionType, staticIpConnectionInfo: { ipAddress: string, mask: string, defaultGateway: string, dns: Array<string> } | null } | null, ethernet1: { connectionType: ConnectionType } | null, ntp: { ntpServers: Array<string> } | null } | null, currentNetworkingStatus: { lastUpdatedTime: string | null, ethernet0Status: { ipAddress: string | null, connectionStatus: NetworkConnectionStatus | null, hwAddress: string | null } | null, ethernet1Status: { ipAddress: string | null, connectionStatus: NetworkConnectionStatus | null, hwAddress: string | null } | null, ntpStatus: { connectionStatus: NetworkConnectionStatus | null, ipAddress: string | null, ntpServerName: string | null } | null } | null, tags: Array<{ key: string, value: string }> }, devicesJobs: { edges: Array<{ node: { jobId: string, jobType: JobType, deviceId: string, deviceName: string, status: UpdateProgress, executionStatus: JobExecutionStatus, imageVersion: string | null, statusReason: string | null, rolloutId: string | null, createdTime: string, startedAt: string | null, completedAt: string | null } }> }, applicationInstances: { edges: Array<{ node: { applicationInstanceId: string, name: string | null, description: string | null, defaultRuntimeContextDevice: string, defaultRuntimeContextDeviceName: string | null, status: ApplicationInstanceStatus, healthStatus: ApplicationInstanceHealthStatus, statusDescription: string | null, createdTime: string, lastUpdatedTime: string, deploymentName: string | null, deploymentRevision: number | null } }> }, deviceLogs: { pageInfo: { hasNextPage: boolean, endCursor: string | null, hasPreviousPage: boolean, startCursor: string | null }, edges: Array<{ node: { timestamp: string, logStream: string, message: string } }> }, softwareImages: Array<{ version: string, uploadedAt: string | null }>, openTunnels?: { edges: Array<{ node: { tunnelId: string, tunnelArn: string, deviceId: string, services: Array<string>, description: string | null, status: TunnelStatus, timeoutMinutes: number, openedBy: string, createdAt: string, expiresAt: string, closedAt: string | null, sourceConnectionState: { status: TunnelConnectionStatus }, destinationConnectionState: { status: TunnelConnectionStatus } } }> }, clips: { edges: Array<{ node: { clipId: string, deviceId: string, camera: string, objectKey: string, startedAt: string, sizeBytes: number, sha256: string, uploadedBy: string, uploadedAt: string, url: string } }> } };

export type DeviceProvisioningQueryVariables = Exact<{
  deviceId: string | number;
}>;


export type DeviceProvisioningQuery = { device: { provisioningStatus: ProvisioningStatus } };

export type FleetSummaryQueryVariables = Exact<{ [key: string]: never; }>;


export type FleetSummaryQuery = { fleetSummary: { total: number, byAggregatedStatus: Array<{ status: DeviceAggregatedStatus, count: number }>, bySoftware: Array<{ software: string | null, count: number }> } };

export type DeviceShadowQueryVariables = Exact<{
  deviceId: string | number;
  shadowName?: string | null | undefined;
}>;


export type DeviceShadowQuery = { deviceShadow: any };

export type ProvisionDeviceMutationVariables = Exact<{
  input: ProvisionDeviceInput;
}>;


export type ProvisionDeviceMutation = { provisionDevice: { deviceId: string, arn: string, iotThingName: string, status: ProvisioningStatus, certificates: string, expiresAt: string } };

export type DeleteDeviceMutationVariables = Exact<{
  deviceId: string | number;
}>;


export type DeleteDeviceMutation = { deleteDevice: { deviceId: string, name: string, provisioningStatus: ProvisioningStatus } };

export type DeviceJobFieldsFragment = { jobId: string, jobType: JobType, deviceId: string, deviceName: string, status: UpdateProgress, executionStatus: JobExecutionStatus, imageVersion: string | null, statusReason: string | null, rolloutId: string | null, createdTime: string, startedAt: string | null, completedAt: string | null };

export type DeviceJobsQueryVariables = Exact<{
  deviceId?: string | number | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type DeviceJobsQuery = { devicesJobs: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { jobId: string, jobType: JobType, deviceId: string, deviceName: string, status: UpdateProgress, executionStatus: JobExecutionStatus, imageVersion: string | null, statusReason: string | null, rolloutId: string | null, createdTime: string, startedAt: string | null, completedAt: string | null } }> } };

export type DeviceJobQueryVariables = Exact<{
  jobId: string;
}>;


export type DeviceJobQuery = { deviceJob: { jobId: string, jobType: JobType, deviceId: string, deviceName: string, status: UpdateProgress, executionStatus: JobExecutionStatus, imageVersion: string | null, statusReason: string | null, rolloutId: string | null, createdTime: string, startedAt: string | null, completedAt: string | null, timeline: Array<{ at: string, from: string | null, to: string, actor: string, reason: string | null }> } };

export type CreateJobForDevicesMutationVariables = Exact<{
  input: CreateJobForDevicesInput;
}>;


export type CreateJobForDevicesMutation = { createJobForDevices: { jobs: Array<{ deviceId: string, jobId: string }> } };

export type JobUpdatedSubscriptionVariables = Exact<{
  jobId: string;
}>;


export type JobUpdatedSubscription = { jobUpdated: { jobId: string, jobType: JobType, deviceId: string, deviceName: string, status: UpdateProgress, executionStatus: JobExecutionStatus, imageVersion: string | null, statusReason: string | null, rolloutId: string | null, createdTime: string, startedAt: string | null, completedAt: string | null } };

export type DeviceUpdatedSubscriptionVariables = Exact<{
  deviceId?: string | number | null | undefined;
}>;


export type DeviceUpdatedSubscription = { deviceUpdated: { deviceId: string, name: string, description: string | null, arn: string, type: DeviceType, brand: DeviceBrand, serialNumber: string | null, provisioningStatus: ProvisioningStatus, provisioningStatusReason: string | null, deviceConnectionStatus: DeviceConnectionStatus, deviceAggregatedStatus: DeviceAggregatedStatus, currentSoftware: string | null, latestSoftware: string | null, lastSeenAt: string | null, leaseExpirationTime: string | null, createdTime: string, tags: Array<{ key: string, value: string }> } };

export type RolloutFieldsFragment = { id: string, name: string, jobType: RolloutJobType, imageVersion: string | null, status: RolloutStatus, statusReason: string | null, currentWave: number, createdAt: string, startedAt: string | null, completedAt: string | null, progress: { targeted: number, queued: number, inProgress: number, succeeded: number, failed: number, timedOut: number, rejected: number, canceled: number, offline: number, offlineUntil: string | null } };

export type RolloutsQueryVariables = Exact<{ [key: string]: never; }>;


export type RolloutsQuery = { rollouts: Array<{ id: string, name: string, jobType: RolloutJobType, imageVersion: string | null, status: RolloutStatus, statusReason: string | null, currentWave: number, createdAt: string, startedAt: string | null, completedAt: string | null, progress: { targeted: number, queued: number, inProgress: number, succeeded: number, failed: number, timedOut: number, rejected: number, canceled: number, offline: number, offlineUntil: string | null } }> };

export type RolloutQueryVariables = Exact<{
  id: string | number;
}>;


export type RolloutQuery = { rollout: { id: string, name: string, jobType: RolloutJobType, imageVersion: string | null, status: RolloutStatus, statusReason: string | null, currentWave: number, createdAt: string, startedAt: string | null, completedAt: string | null, progress: { targeted: number, queued: number, inProgress: number, succeeded: number, failed: number, timedOut: number, rejected: number, canceled: number, offline: number, offlineUntil: string | null } } };

export type CreateRolloutMutationVariables = Exact<{
  input: CreateRolloutInput;
}>;


export type CreateRolloutMutation = { createRollout: { rollout: { id: string, name: string, jobType: RolloutJobType, imageVersion: string | null, status: RolloutStatus, statusReason: string | null, currentWave: number, createdAt: string, startedAt: string | null, completedAt: string | null, progress: { targeted: number, queued: number, inProgress: number, succeeded: number, failed: number, timedOut: number, rejected: number, canceled: number, offline: number, offlineUntil: string | null } } | null, dryRun: { targeted: number, offline: number, devices: Array<{ deviceId: string, name: string, online: boolean }> } | null } };

export type PauseRolloutMutationVariables = Exact<{
  id: string | number;
}>;


export type PauseRolloutMutation = { pauseRollout: { id: string, name: string, jobType: RolloutJobType, imageVersion: string | null, status: RolloutStatus, statusReason: string | null, currentWave: number, createdAt: string, startedAt: string | null, completedAt: string | null, progress: { targeted: number, queued: number, inProgress: number, succeeded: number, failed: number, timedOut: number, rejected: number, canceled: number, offline: number, offlineUntil: string | null } } };

export type ResumeRolloutMutationVariables = Exact<{
  id: string | number;
}>;


export type ResumeRolloutMutation = { resumeRollout: { id: string, name: string, jobType: RolloutJobType, imageVersion: string | null, status: RolloutStatus, statusReason: string | null, currentWave: number, createdAt: string, startedAt: string | null, completedAt: string | null, progress: { targeted: number, queued: number, inProgress: number, succeeded: number, failed: number, timedOut: number, rejected: number, canceled: number, offline: number, offlineUntil: string | null } } };

export type CancelRolloutMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelRolloutMutation = { cancelRollout: { id: string, name: string, jobType: RolloutJobType, imageVersion: string | null, status: RolloutStatus, statusReason: string | null, currentWave: number, createdAt: string, startedAt: string | null, completedAt: string | null, progress: { targeted: number, queued: number, inProgress: number, succeeded: number, failed: number, timedOut: number, rejected: number, canceled: number, offline: number, offlineUntil: string | null } } };

export type RolloutProgressSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type RolloutProgressSubscription = { rolloutProgress: { id: string, name: string, jobType: RolloutJobType, imageVersion: string | null, status: RolloutStatus, statusReason: string | null, currentWave: number, createdAt: string, startedAt: string | null, completedAt: string | null, progress: { targeted: number, queued: number, inProgress: number, succeeded: number, failed: number, timedOut: number, rejected: number, canceled: number, offline: number, offlineUntil: string | null } } };

export type CameraFieldsFragment = { jobId: string, nodeName: string, interface: string, nodeDescription: string | null, outputPackageName: string, outputPackageVersion: string, packageId: string | null, status: NodeFromTemplateJobStatus, statusMessage: string | null, streamUrl: string, createdTime: string, credentials: { stored: boolean, updatedAt: string | null } };

export type CamerasQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type CamerasQuery = { nodeFromTemplateJobs: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { jobId: string, nodeName: string, interface: string, nodeDescription: string | null, outputPackageName: string, outputPackageVersion: string, packageId: string | null, status: NodeFromTemplateJobStatus, statusMessage: string | null, streamUrl: string, createdTime: string, credentials: { stored: boolean, updatedAt: string | null } } }> } };

export type CameraQueryVariables = Exact<{
  jobId: string;
}>;


export type CameraQuery = { nodeFromTemplateJob: { jobId: string, nodeName: string, interface: string, nodeDescription: string | null, outputPackageName: string, outputPackageVersion: string, packageId: string | null, status: NodeFromTemplateJobStatus, statusMessage: string | null, streamUrl: string, createdTime: string, credentials: { stored: boolean, updatedAt: string | null } } };

export type CreateCameraMutationVariables = Exact<{
  input: CreateNodeFromTemplateJobInput;
}>;


export type CreateCameraMutation = { createNodeFromTemplateJob: { jobId: string, nodeName: string, interface: string, nodeDescription: string | null, outputPackageName: string, outputPackageVersion: string, packageId: string | null, status: NodeFromTemplateJobStatus, statusMessage: string | null, streamUrl: string, createdTime: string, credentials: { stored: boolean, updatedAt: string | null } } };

export type PackageFieldsFragment = { packageId: string, packageName: string, arn: string, camera: boolean, createdTime: string, versions: Array<{ packageVersion: string, patchVersion: string, status: string, statusDescription: string | null, isLatestPatch: boolean, registeredTime: string | null }> };

export type PackagesQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type PackagesQuery = { packages: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { packageId: string, packageName: string, arn: string, camera: boolean, createdTime: string, versions: Array<{ packageVersion: string, patchVersion: string, status: string, statusDescription: string | null, isLatestPatch: boolean, registeredTime: string | null }> } }> } };

export type PackageQueryVariables = Exact<{
  packageId: string;
}>;


export type PackageQuery = { package: { packageId: string, packageName: string, arn: string, camera: boolean, createdTime: string, assets: Array<{ sha256: string, sizeBytes: number, uploadedAt: string | null }>, versions: Array<{ packageVersion: string, patchVersion: string, status: string, statusDescription: string | null, isLatestPatch: boolean, registeredTime: string | null }> } };

export type CreatePackageMutationVariables = Exact<{
  name: string;
}>;


export type CreatePackageMutation = { createPackage: { packageId: string, packageName: string, arn: string, camera: boolean, createdTime: string, versions: Array<{ packageVersion: string, patchVersion: string, status: string, statusDescription: string | null, isLatestPatch: boolean, registeredTime: string | null }> } };

export type PackageAssetUploadUrlMutationVariables = Exact<{
  packageId: string;
  sha256: string;
  sizeBytes: number;
}>;


export type PackageAssetUploadUrlMutation = { createPackageAssetUploadUrl: { url: string | null, alreadyUploaded: boolean, expiresAt: string | null } };

export type RegisterPackageVersionMutationVariables = Exact<{
  input: RegisterPackageVersionInput;
}>;


export type RegisterPackageVersionMutation = { registerPackageVersion: { packageId: string, packageName: string, packageVersion: string, patchVersion: string, status: string, statusDescription: string | null, isLatestPatch: boolean } };

export type ApplicationFieldsFragment = { applicationInstanceId: string, name: string | null, description: string | null, defaultRuntimeContextDevice: string, defaultRuntimeContextDeviceName: string | null, status: ApplicationInstanceStatus, healthStatus: ApplicationInstanceHealthStatus, statusDescription: string | null, createdTime: string, lastUpdatedTime: string, deploymentName: string | null, deploymentRevision: number | null };

export type ApplicationsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: ApplicationInstanceFilterInput | null | undefined;
}>;


export type ApplicationsQuery = { applicationInstances: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { applicationInstanceId: string, name: string | null, description: string | null, defaultRuntimeContextDevice: string, defaultRuntimeContextDeviceName: string | null, status: ApplicationInstanceStatus, healthStatus: ApplicationInstanceHealthStatus, statusDescription: string | null, createdTime: string, lastUpdatedTime: string, deploymentName: string | null, deploymentRevision: number | null } }> } };

export type ApplicationPageQueryVariables = Exact<{
  id: string;
}>;


export type ApplicationPageQuery = { applicationInstance: { snapshotIntervalSeconds: number, applicationInstanceId: string, name: string | null, description: string | null, defaultRuntimeContextDevice: string, defaultRuntimeContextDeviceName: string | null, status: ApplicationInstanceStatus, healthStatus: ApplicationInstanceHealthStatus, statusDescription: string | null, createdTime: string, lastUpdatedTime: string, deploymentName: string | null, deploymentRevision: number | null, manifestPayload: { payloadData: string }, manifestOverridesPayload: { payloadData: string } | null, nodeInstances: Array<{ nodeInstanceId: string, packageName: string, packageVersion: string, currentStatus: NodeInstanceStatus, statusReason: string | null }> }, applicationInstanceLogs: { pageInfo: { hasNextPage: boolean, endCursor: string | null, hasPreviousPage: boolean, startCursor: string | null }, edges: Array<{ node: { timestamp: string, logStream: string, message: string } }> }, applicationInstanceLastFrame: { streamId: string, capturedAt: string, labels: Array<string>, jpegBase64: string } | null };

export type ApplicationQueryVariables = Exact<{
  id: string;
}>;


export type ApplicationQuery = { applicationInstance: { applicationInstanceId: string, name: string | null, description: string | null, defaultRuntimeContextDevice: string, defaultRuntimeContextDeviceName: string | null, status: ApplicationInstanceStatus, healthStatus: ApplicationInstanceHealthStatus, statusDescription: string | null, createdTime: string, lastUpdatedTime: string, deploymentName: string | null, deploymentRevision: number | null }, applicationInstanceNodeInstances: Array<{ nodeInstanceId: string, nodeId: string, nodeName: string, packageName: string, packageVersion: string, packagePatchVersion: string, currentStatus: NodeInstanceStatus, statusReason: string | null }> };

export type ValidateManifestQueryVariables = Exact<{
  manifest: ManifestPayloadInput;
  overrides?: ManifestPayloadInput | null | undefined;
}>;


export type ValidateManifestQuery = { validateApplicationManifest: { valid: boolean, problems: Array<{ document: string, path: string, message: string }> } };

export type CreateApplicationMutationVariables = Exact<{
  input: CreateApplicationInstanceInput;
}>;


export type CreateApplicationMutation = { createApplicationInstance: { applicationInstanceId: string, name: string | null, description: string | null, defaultRuntimeContextDevice: string, defaultRuntimeContextDeviceName: string | null, status: ApplicationInstanceStatus, healthStatus: ApplicationInstanceHealthStatus, statusDescription: string | null, createdTime: string, lastUpdatedTime: string, deploymentName: string | null, deploymentRevision: number | null } };

export type RemoveApplicationMutationVariables = Exact<{
  id: string;
}>;


export type RemoveApplicationMutation = { removeApplicationInstance: { applicationInstanceId: string, name: string | null, description: string | null, defaultRuntimeContextDevice: string, defaultRuntimeContextDeviceName: string | null, status: ApplicationInstanceStatus, healthStatus: ApplicationInstanceHealthStatus, statusDescription: string | null, createdTime: string, lastUpdatedTime: string, deploymentName: string | null, deploymentRevision: number | null } };

export type SetSnapshotsMutationVariables = Exact<{
  id: string;
  seconds: number;
}>;


export type SetSnapshotsMutation = { setApplicationInstanceSnapshots: { applicationInstanceId: string, name: string | null, description: string | null, defaultRuntimeContextDevice: string, defaultRuntimeContextDeviceName: string | null, status: ApplicationInstanceStatus, healthStatus: ApplicationInstanceHealthStatus, statusDescription: string | null, createdTime: string, lastUpdatedTime: string, deploymentName: string | null, deploymentRevision: number | null } };

export type SignalNodesMutationVariables = Exact<{
  id: string;
  signals: Array<NodeSignalInput> | NodeSignalInput;
}>;


export type SignalNodesMutation = { signalApplicationInstanceNodeInstances: { applicationInstanceId: string, name: string | null, description: string | null, defaultRuntimeContextDevice: string, defaultRuntimeContextDeviceName: string | null, status: ApplicationInstanceStatus, healthStatus: ApplicationInstanceHealthStatus, statusDescription: string | null, createdTime: string, lastUpdatedTime: string, deploymentName: string | null, deploymentRevision: number | null } };

export type ApplicationUpdatedSubscriptionVariables = Exact<{
  deviceId: string | number;
}>;


export type ApplicationUpdatedSubscription = { applicationInstanceUpdated: { applicationInstanceId: string, name: string | null, description: string | null, defaultRuntimeContextDevice: string, defaultRuntimeContextDeviceName: string | null, status: ApplicationInstanceStatus, healthStatus: ApplicationInstanceHealthStatus, statusDescription: string | null, createdTime: string, lastUpdatedTime: string, deploymentName: string | null, deploymentRevision: number | null, nodeInstances: Array<{ nodeInstanceId: string, currentStatus: NodeInstanceStatus, statusReason: string | null }> } };

export type LogEventFieldsFragment = { pageInfo: { hasNextPage: boolean, endCursor: string | null, hasPreviousPage: boolean, startCursor: string | null }, edges: Array<{ node: { timestamp: string, logStream: string, message: string } }> };

export type DeviceLogsQueryVariables = Exact<{
  deviceId: string | number;
  logStream?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
  since?: string | null | undefined;
  until?: string | null | undefined;
}>;


export type DeviceLogsQuery = { deviceLogs: { pageInfo: { hasNextPage: boolean, endCursor: string | null, hasPreviousPage: boolean, startCursor: string | null }, edges: Array<{ node: { timestamp: string, logStream: string, message: string } }> } };

export type ApplicationLogsQueryVariables = Exact<{
  id: string;
  nodeName?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
  since?: string | null | undefined;
  until?: string | null | undefined;
}>;


export type ApplicationLogsQuery = { applicationInstanceLogs: { pageInfo: { hasNextPage: boolean, endCursor: string | null, hasPreviousPage: boolean, startCursor: string | null }, edges: Array<{ node: { timestamp: string, logStream: string, message: string } }> } };

export type WhoAmIQueryVariables = Exact<{ [key: string]: never; }>;


export type WhoAmIQuery = { whoami: { apiKeyId: string, organizationId: string, accountId: string, role: ApiKeyRole } };

export type OrganizationsQueryVariables = Exact<{ [key: string]: never; }>;


export type OrganizationsQuery = { organizations: Array<{ id: string, name: string, accountId: string, createdTime: string, suspendedTime: string | null }> };

export type CreateOrganizationMutationVariables = Exact<{
  name: string;
}>;


export type CreateOrganizationMutation = { createOrganization: { adminApiKey: string, organization: { id: string, name: string, accountId: string, createdTime: string, suspendedTime: string | null } } };

export type SuspendOrganizationMutationVariables = Exact<{
  id: string | number;
}>;


export type SuspendOrganizationMutation = { suspendOrganization: { id: string, name: string, suspendedTime: string | null } };

export type ResumeOrganizationMutationVariables = Exact<{
  id: string | number;
}>;


export type ResumeOrganizationMutation = { resumeOrganization: { id: string, name: string, suspendedTime: string | null } };

export type CreateApiKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type CreateApiKeyMutation = { createApiKey: { secret: string, apiKey: { id: string, name: string, role: ApiKeyRole, prefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null } } };

export type ApiKeyFieldsFragment = { id: string, name: string, role: ApiKeyRole, prefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null };

export type ApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ApiKeysQuery = { apiKeys: Array<{ id: string, name: string, role: ApiKeyRole, prefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null }> };

export type CreateAccessKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type CreateAccessKeyMutation = { createAccessKey: { accessKeyId: string, secretAccessKey: string, apiKey: { id: string, name: string, role: ApiKeyRole, prefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null } } };

export type RevokeApiKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeApiKeyMutation = { revokeApiKey: { id: string, name: string, role: ApiKeyRole, prefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null } };

export type SoftwareImageFieldsFragment = { id: string, version: string, releaseNotes: string | null, majorVersionUpdate: boolean, sha256: string | null, size: number | null, createdAt: string, uploadedAt: string | null };

export type SoftwareImagesQueryVariables = Exact<{ [key: string]: never; }>;


export type SoftwareImagesQuery = { softwareImages: Array<{ id: string, version: string, releaseNotes: string | null, majorVersionUpdate: boolean, sha256: string | null, size: number | null, createdAt: string, uploadedAt: string | null }> };

export type RegisterSoftwareImageMutationVariables = Exact<{
  input: RegisterSoftwareImageInput;
}>;


export type RegisterSoftwareImageMutation = { registerSoftwareImage: { id: string, version: string, releaseNotes: string | null, majorVersionUpdate: boolean, sha256: string | null, size: number | null, createdAt: string, uploadedAt: string | null } };

export type CreateImageUploadUrlMutationVariables = Exact<{
  version: string;
}>;


export type CreateImageUploadUrlMutation = { createUploadUrl: { url: string, expiresAt: string } };

export type TunnelFieldsFragment = { tunnelId: string, tunnelArn: string, deviceId: string, services: Array<string>, description: string | null, status: TunnelStatus, timeoutMinutes: number, openedBy: string, createdAt: string, expiresAt: string, closedAt: string | null, sourceConnectionState: { status: TunnelConnectionStatus }, destinationConnectionState: { status: TunnelConnectionStatus } };

export type OpenTunnelMutationVariables = Exact<{
  input: OpenTunnelInput;
}>;


export type OpenTunnelMutation = { openTunnel: { sourceAccessToken: string, endpoint: string, tunnel: { tunnelId: string, tunnelArn: string, deviceId: string, services: Array<string>, description: string | null, status: TunnelStatus, timeoutMinutes: number, openedBy: string, createdAt: string, expiresAt: string, closedAt: string | null, sourceConnectionState: { status: TunnelConnectionStatus }, destinationConnectionState: { status: TunnelConnectionStatus } } } };

export type TunnelQueryVariables = Exact<{
  tunnelId: string | number;
}>;


export type TunnelQuery = { tunnel: { tunnelId: string, tunnelArn: string, deviceId: string, services: Array<string>, description: string | null, status: TunnelStatus, timeoutMinutes: number, openedBy: string, createdAt: string, expiresAt: string, closedAt: string | null, sourceConnectionState: { status: TunnelConnectionStatus }, destinationConnectionState: { status: TunnelConnectionStatus } } };

export type TunnelsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  deviceId?: string | number | null | undefined;
  status?: TunnelStatus | null | undefined;
}>;


export type TunnelsQuery = { tunnels: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { tunnelId: string, tunnelArn: string, deviceId: string, services: Array<string>, description: string | null, status: TunnelStatus, timeoutMinutes: number, openedBy: string, createdAt: string, expiresAt: string, closedAt: string | null, sourceConnectionState: { status: TunnelConnectionStatus }, destinationConnectionState: { status: TunnelConnectionStatus } } }> } };

export type CloseTunnelMutationVariables = Exact<{
  tunnelId: string | number;
  delete: boolean;
}>;


export type CloseTunnelMutation = { closeTunnel: { tunnelId: string, tunnelArn: string, deviceId: string, services: Array<string>, description: string | null, status: TunnelStatus, timeoutMinutes: number, openedBy: string, createdAt: string, expiresAt: string, closedAt: string | null, sourceConnectionState: { status: TunnelConnectionStatus }, destinationConnectionState: { status: TunnelConnectionStatus } } };

export type RotateTunnelAccessTokenMutationVariables = Exact<{
  tunnelId: string | number;
  clientMode: TunnelClientMode;
}>;


export type RotateTunnelAccessTokenMutation = { rotateTunnelAccessToken: { sourceAccessToken: string | null, destinationAccessToken: string | null, endpoint: string, tunnel: { tunnelId: string, tunnelArn: string, deviceId: string, services: Array<string>, description: string | null, status: TunnelStatus, timeoutMinutes: number, openedBy: string, createdAt: string, expiresAt: string, closedAt: string | null, sourceConnectionState: { status: TunnelConnectionStatus }, destinationConnectionState: { status: TunnelConnectionStatus } } } };

export type RoleAliasFieldsFragment = { roleAlias: string, roleAliasArn: string, roleArn: string | null, owner: string, policyDocument: string, credentialDurationSeconds: number, creationDate: string, lastModifiedDate: string };

export type RoleAliasesQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type RoleAliasesQuery = { roleAliases: { edges: Array<{ node: { roleAlias: string, roleAliasArn: string, roleArn: string | null, owner: string, policyDocument: string, credentialDurationSeconds: number, creationDate: string, lastModifiedDate: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type RoleAliasQueryVariables = Exact<{
  roleAlias: string;
}>;


export type RoleAliasQuery = { roleAlias: { roleAlias: string, roleAliasArn: string, roleArn: string | null, owner: string, policyDocument: string, credentialDurationSeconds: number, creationDate: string, lastModifiedDate: string } };

export type CreateRoleAliasMutationVariables = Exact<{
  input: CreateRoleAliasInput;
}>;


export type CreateRoleAliasMutation = { createRoleAlias: { roleAlias: string, roleAliasArn: string, roleArn: string | null, owner: string, policyDocument: string, credentialDurationSeconds: number, creationDate: string, lastModifiedDate: string } };

export type UpdateRoleAliasMutationVariables = Exact<{
  roleAlias: string;
  input: UpdateRoleAliasInput;
}>;


export type UpdateRoleAliasMutation = { updateRoleAlias: { roleAlias: string, roleAliasArn: string, roleArn: string | null, owner: string, policyDocument: string, credentialDurationSeconds: number, creationDate: string, lastModifiedDate: string } };

export type DeleteRoleAliasMutationVariables = Exact<{
  roleAlias: string;
}>;


export type DeleteRoleAliasMutation = { deleteRoleAlias: { roleAlias: string } };

export type ClipFieldsFragment = { clipId: string, deviceId: string, camera: string, objectKey: string, startedAt: string, sizeBytes: number, sha256: string, uploadedBy: string, uploadedAt: string, url: string };

export type ClipsQueryVariables = Exact<{
  deviceId?: string | number | null | undefined;
  camera?: string | null | undefined;
  from?: string | null | undefined;
  to?: string | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type ClipsQuery = { clips: { edges: Array<{ node: { clipId: string, deviceId: string, camera: string, objectKey: string, startedAt: string, sizeBytes: number, sha256: string, uploadedBy: string, uploadedAt: string, url: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ClipQueryVariables = Exact<{
  clipId: string | number;
}>;


export type ClipQuery = { clip: { clipId: string, deviceId: string, camera: string, objectKey: string, startedAt: string, sizeBytes: number, sha256: string, uploadedBy: string, uploadedAt: string, url: string } };

export type ThingGroupFieldsFragment = { thingGroupName: string, thingGroupArn: string, description: string | null, queryString: string | null, dynamic: boolean, version: number, memberCount: number, creationDate: string };

export type ThingGroupsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type ThingGroupsQuery = { thingGroups: { edges: Array<{ node: { thingGroupName: string, thingGroupArn: string, description: string | null, queryString: string | null, dynamic: boolean, version: number, memberCount: number, creationDate: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ThingGroupQueryVariables = Exact<{
  name: string;
}>;


export type ThingGroupQuery = { thingGroup: { thingGroupName: string, thingGroupArn: string, description: string | null, queryString: string | null, dynamic: boolean, version: number, memberCount: number, creationDate: string } };

export type ThingGroupMembersQueryVariables = Exact<{
  name: string;
  first: number;
  after?: string | null | undefined;
}>;


export type ThingGroupMembersQuery = { thingGroupMembers: { edges: Array<{ node: { deviceId: string, name: string, addedAt: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type CreateThingGroupMutationVariables = Exact<{
  input: CreateThingGroupInput;
}>;


export type CreateThingGroupMutation = { createThingGroup: { thingGroupName: string, thingGroupArn: string, description: string | null, queryString: string | null, dynamic: boolean, version: number, memberCount: number, creationDate: string } };

export type UpdateThingGroupMutationVariables = Exact<{
  name: string;
  input: UpdateThingGroupInput;
}>;


export type UpdateThingGroupMutation = { updateThingGroup: { thingGroupName: string, thingGroupArn: string, description: string | null, queryString: string | null, dynamic: boolean, version: number, memberCount: number, creationDate: string } };

export type DeleteThingGroupMutationVariables = Exact<{
  name: string;
}>;


export type DeleteThingGroupMutation = { deleteThingGroup: { thingGroupName: string } };

export type AddThingToThingGroupMutationVariables = Exact<{
  name: string;
  deviceId: string | number;
}>;


export type AddThingToThingGroupMutation = { addThingToThingGroup: { thingGroupName: string, thingGroupArn: string, description: string | null, queryString: string | null, dynamic: boolean, version: number, memberCount: number, creationDate: string } };

export type RemoveThingFromThingGroupMutationVariables = Exact<{
  name: string;
  deviceId: string | number;
}>;


export type RemoveThingFromThingGroupMutation = { removeThingFromThingGroup: { thingGroupName: string, thingGroupArn: string, description: string | null, queryString: string | null, dynamic: boolean, version: number, memberCount: number, creationDate: string } };

export type DeploymentFieldsFragment = { id: string, name: string, thingGroupName: string, applicationInstanceName: string, priority: number, failureHandling: DeploymentFailureHandling, healthCheckSeconds: number, status: DeploymentStatus, currentRevision: number, createdAt: string, updatedAt: string, canceledAt: string | null, revisions: Array<{ revision: number, softwareVersion: string | null, rolloutId: string, actor: string, createdAt: string }> };

export type DeploymentsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  thingGroupName?: string | null | undefined;
}>;


export type DeploymentsQuery = { deployments: { edges: Array<{ node: { id: string, name: string, thingGroupName: string, applicationInstanceName: string, priority: number, failureHandling: DeploymentFailureHandling, healthCheckSeconds: number, status: DeploymentStatus, currentRevision: number, createdAt: string, updatedAt: string, canceledAt: string | null, revisions: Array<{ revision: number, softwareVersion: string | null, rolloutId: string, actor: string, createdAt: string }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type DeploymentQueryVariables = Exact<{
  name: string;
}>;


export type DeploymentQuery = { deployment: { id: string, name: string, thingGroupName: string, applicationInstanceName: string, priority: number, failureHandling: DeploymentFailureHandling, healthCheckSeconds: number, status: DeploymentStatus, currentRevision: number, createdAt: string, updatedAt: string, canceledAt: string | null, revisions: Array<{ revision: number, softwareVersion: string | null, rolloutId: string, actor: string, createdAt: string }> } };

export type DeploymentDevicesQueryVariables = Exact<{
  name: string;
  first: number;
  after?: string | null | undefined;
}>;


export type DeploymentDevicesQuery = { deploymentDevices: { edges: Array<{ node: { deviceId: string, deviceName: string, state: DeviceDeploymentState, revision: number | null, applicationInstanceId: string | null, statusDescription: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type CreateDeploymentMutationVariables = Exact<{
  input: CreateDeploymentInput;
}>;


export type CreateDeploymentMutation = { createDeployment: { id: string, name: string, thingGroupName: string, applicationInstanceName: string, priority: number, failureHandling: DeploymentFailureHandling, healthCheckSeconds: number, status: DeploymentStatus, currentRevision: number, createdAt: string, updatedAt: string, canceledAt: string | null, revisions: Array<{ revision: number, softwareVersion: string | null, rolloutId: string, actor: string, createdAt: string }> } };

export type ReviseDeploymentMutationVariables = Exact<{
  name: string;
  input: DeploymentRevisionInput;
}>;


export type ReviseDeploymentMutation = { reviseDeployment: { id: string, name: string, thingGroupName: string, applicationInstanceName: string, priority: number, failureHandling: DeploymentFailureHandling, healthCheckSeconds: number, status: DeploymentStatus, currentRevision: number, createdAt: string, updatedAt: string, canceledAt: string | null, revisions: Array<{ revision: number, softwareVersion: string | null, rolloutId: string, actor: string, createdAt: string }> } };

export type CancelDeploymentMutationVariables = Exact<{
  name: string;
}>;


export type CancelDeploymentMutation = { cancelDeployment: { id: string, name: string, thingGroupName: string, applicationInstanceName: string, priority: number, failureHandling: DeploymentFailureHandling, healthCheckSeconds: number, status: DeploymentStatus, currentRevision: number, createdAt: string, updatedAt: string, canceledAt: string | null, revisions: Array<{ revision: number, softwareVersion: string | null, rolloutId: string, actor: string, createdAt: string }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const DeviceFieldsFragmentDoc = new TypedDocumentString(`
    fragment DeviceFields on Device {
  deviceId
  name
  description
  arn
  type
  brand
  serialNumber
  provisioningStatus
  provisioningStatusReason
  deviceConnectionStatus
  deviceAggregatedStatus
  currentSoftware
  latestSoftware
  lastSeenAt
  leaseExpirationTime
  createdTime
  tags {
    key
    value
  }
}
    `, {"fragmentName":"DeviceFields"}) as unknown as TypedDocumentString<DeviceFieldsFragment, unknown>;
export const DeviceDetailsFragmentDoc = new TypedDocumentString(`
    fragment DeviceDetails on Device {
  ...DeviceFields
  networkingConfiguration {
    ethernet0 {
      connectionType
      staticIpConnectionInfo {
        ipAddress
        mask
        defaultGateway
        dns
      }
    }
    ethernet1 {
      connectionType
    }
    ntp {
      ntpServers
    }
  }
  currentNetworkingStatus {
    lastUpdatedTime
    ethernet0Status {
      ipAddress
      connectionStatus
      hwAddress
    }
    ethernet1Status {
      ipAddress
      connectionStatus
      hwAddress
    }
    ntpStatus {
      connectionStatus
      ipAddress
      ntpServerName
    }
  }
}
    fragment DeviceFields on Device {
  deviceId
  name
  description
  arn
  type
  brand
  serialNumber
  provisioningStatus
  provisioningStatusReason
  deviceConnectionStatus
  deviceAggregatedStatus
  currentSoftware
  latestSoftware
  lastSeenAt
  leaseExpirationTime
  createdTime
  tags {
    key
    value
  }
}`, {"fragmentName":"DeviceDetails"}) as unknown as TypedDocumentString<DeviceDetailsFragment, unknown>;
export const DeviceJobFieldsFragmentDoc = new TypedDocumentString(`
    fragment DeviceJobFields on DeviceJob {
  jobId
  jobType
  deviceId
  deviceName
  status
  executionStatus
  imageVersion
  statusReason
  rolloutId
  createdTime
  startedAt
  completedAt
}
    `, {"fragmentName":"DeviceJobFields"}) as unknown as TypedDocumentString<DeviceJobFieldsFragment, unknown>;
export const RolloutFieldsFragmentDoc = new TypedDocumentString(`
    fragment RolloutFields on Rollout {
  id
  name
  jobType
  imageVersion
  status
  statusReason
  currentWave
  createdAt
  startedAt
  completedAt
  progress {
    targeted
    queued
    inProgress
    succeeded
    failed
    timedOut
    rejected
    canceled
    offline
    offlineUntil
  }
}
    `, {"fragmentName":"RolloutFields"}) as unknown as TypedDocumentString<RolloutFieldsFragment, unknown>;
export const CameraFieldsFragmentDoc = new TypedDocumentString(`
    fragment CameraFields on NodeFromTemplateJob {
  jobId
  nodeName
  interface
  nodeDescription
  outputPackageName
  outputPackageVersion
  packageId
  status
  statusMessage
  streamUrl
  createdTime
  credentials {
    stored
    updatedAt
  }
}
    `, {"fragmentName":"CameraFields"}) as unknown as TypedDocumentString<CameraFieldsFragment, unknown>;
export const PackageFieldsFragmentDoc = new TypedDocumentString(`
    fragment PackageFields on Package {
  packageId
  packageName
  arn
  camera
  createdTime
  versions {
    packageVersion
    patchVersion
    status
    statusDescription
    isLatestPatch
    registeredTime
  }
}
    `, {"fragmentName":"PackageFields"}) as unknown as TypedDocumentString<PackageFieldsFragment, unknown>;
export const ApplicationFieldsFragmentDoc = new TypedDocumentString(`
    fragment ApplicationFields on ApplicationInstance {
  applicationInstanceId
  name
  description
  defaultRuntimeContextDevice
  defaultRuntimeContextDeviceName
  status
  healthStatus
  statusDescription
  createdTime
  lastUpdatedTime
  deploymentName
  deploymentRevision
}
    `, {"fragmentName":"ApplicationFields"}) as unknown as TypedDocumentString<ApplicationFieldsFragment, unknown>;
export const LogEventFieldsFragmentDoc = new TypedDocumentString(`
    fragment LogEventFields on LogEventConnection {
  pageInfo {
    hasNextPage
    endCursor
    hasPreviousPage
    startCursor
  }
  edges {
    node {
      timestamp
      logStream
      message
    }
  }
}
    `, {"fragmentName":"LogEventFields"}) as unknown as TypedDocumentString<LogEventFieldsFragment, unknown>;
export const ApiKeyFieldsFragmentDoc = new TypedDocumentString(`
    fragment ApiKeyFields on ApiKey {
  id
  name
  role
  prefix
  createdAt
  lastUsedAt
  revokedAt
}
    `, {"fragmentName":"ApiKeyFields"}) as unknown as TypedDocumentString<ApiKeyFieldsFragment, unknown>;
export const SoftwareImageFieldsFragmentDoc = new TypedDocumentString(`
    fragment SoftwareImageFields on SoftwareImage {
  id
  version
  releaseNotes
  majorVersionUpdate
  sha256
  size
  createdAt
  uploadedAt
}
    `, {"fragmentName":"SoftwareImageFields"}) as unknown as TypedDocumentString<SoftwareImageFieldsFragment, unknown>;
export const TunnelFieldsFragmentDoc = new TypedDocumentString(`
    fragment TunnelFields on Tunnel {
  tunnelId
  tunnelArn
  deviceId
  services
  description
  status
  timeoutMinutes
  openedBy
  createdAt
  expiresAt
  closedAt
  sourceConnectionState {
    status
  }
  destinationConnectionState {
    status
  }
}
    `, {"fragmentName":"TunnelFields"}) as unknown as TypedDocumentString<TunnelFieldsFragment, unknown>;
export const RoleAliasFieldsFragmentDoc = new TypedDocumentString(`
    fragment RoleAliasFields on RoleAlias {
  roleAlias
  roleAliasArn
  roleArn
  owner
  policyDocument
  credentialDurationSeconds
  creationDate
  lastModifiedDate
}
    `, {"fragmentName":"RoleAliasFields"}) as unknown as TypedDocumentString<RoleAliasFieldsFragment, unknown>;
export const ClipFieldsFragmentDoc = new TypedDocumentString(`
    fragment ClipFields on Clip {
  clipId
  deviceId
  camera
  objectKey
  startedAt
  sizeBytes
  sha256
  uploadedBy
  uploadedAt
  url
}
    `, {"fragmentName":"ClipFields"}) as unknown as TypedDocumentString<ClipFieldsFragment, unknown>;
export const ThingGroupFieldsFragmentDoc = new TypedDocumentString(`
    fragment ThingGroupFields on ThingGroup {
  thingGroupName
  thingGroupArn
  description
  queryString
  dynamic
  version
  memberCount
  creationDate
}
    `, {"fragmentName":"ThingGroupFields"}) as unknown as TypedDocumentString<ThingGroupFieldsFragment, unknown>;
export const DeploymentFieldsFragmentDoc = new TypedDocumentString(`
    fragment DeploymentFields on Deployment {
  id
  name
  thingGroupName
  applicationInstanceName
  priority
  failureHandling
  healthCheckSeconds
  status
  currentRevision
  createdAt
  updatedAt
  canceledAt
  revisions {
    revision
    softwareVersion
    rolloutId
    actor
    createdAt
  }
}
    `, {"fragmentName":"DeploymentFields"}) as unknown as TypedDocumentString<DeploymentFieldsFragment, unknown>;
export const DevicesDocument = new TypedDocumentString(`
    query Devices($first: Int!, $after: String, $filter: DeviceFilterInput, $orderBy: DeviceOrderInput) {
  devices(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...DeviceFields
      }
    }
  }
}
    fragment DeviceFields on Device {
  deviceId
  name
  description
  arn
  type
  brand
  serialNumber
  provisioningStatus
  provisioningStatusReason
  deviceConnectionStatus
  deviceAggregatedStatus
  currentSoftware
  latestSoftware
  lastSeenAt
  leaseExpirationTime
  createdTime
  tags {
    key
    value
  }
}`) as unknown as TypedDocumentString<DevicesQuery, DevicesQueryVariables>;
export const DeviceDocument = new TypedDocumentString(`
    query Device($deviceId: ID!) {
  device(deviceId: $deviceId) {
    ...DeviceDetails
  }
}
    fragment DeviceFields on Device {
  deviceId
  name
  description
  arn
  type
  brand
  serialNumber
  provisioningStatus
  provisioningStatusReason
  deviceConnectionStatus
  deviceAggregatedStatus
  currentSoftware
  latestSoftware
  lastSeenAt
  leaseExpirationTime
  createdTime
  tags {
    key
    value
  }
}
fragment DeviceDetails on Device {
  ...DeviceFields
  networkingConfiguration {
    ethernet0 {
      connectionType
      staticIpConnectionInfo {
        ipAddress
        mask
        defaultGateway
        dns
      }
    }
    ethernet1 {
      connectionType
    }
    ntp {
      ntpServers
    }
  }
  currentNetworkingStatus {
    lastUpdatedTime
    ethernet0Status {
      ipAddress
      connectionStatus
      hwAddress
    }
    ethernet1Status {
      ipAddress
      connectionStatus
      hwAddress
    }
    ntpStatus {
      connectionStatus
      ipAddress
      ntpServerName
    }
  }
}`) as unknown as TypedDocumentString<DeviceQuery, DeviceQueryVariables>;
export const DevicePageDocument = new TypedDocumentString(`
    query DevicePage($deviceId: ID!, $operator: Boolean!) {
  device(deviceId: $deviceId) {
    ...DeviceDetails
    system: shadow(name: "system")
    applications: shadow(name: "applications")
  }
  devicesJobs(deviceId: $deviceId, first: 10) {
    edges {
      node {
        ...DeviceJobFields
      }
    }
  }
  applicationInstances(first: 25, filter: {deviceId: $deviceId}) {
    edges {
      node {
        ...ApplicationFields
      }
    }
  }
  deviceLogs(deviceId: $deviceId, last: 100) {
    ...LogEventFields
  }
  softwareImages {
    version
    uploadedAt
  }
  openTunnels: tunnels(deviceId: $deviceId, status: OPEN, first: 25) @include(if: $operator) {
    edges {
      node {
        ...TunnelFields
      }
    }
  }
  clips(deviceId: $deviceId, first: 10) {
    edges {
      node {
        ...ClipFields
      }
    }
  }
}
    fragment DeviceFields on Device {
  deviceId
  name
  description
  arn
  type
  brand
  serialNumber
  provisioningStatus
  provisioningStatusReason
  deviceConnectionStatus
  deviceAggregatedStatus
  currentSoftware
  latestSoftware
  lastSeenAt
  leaseExpirationTime
  createdTime
  tags {
    key
    value
  }
}
fragment DeviceDetails on Device {
  ...DeviceFields
  networkingConfiguration {
    ethernet0 {
      connectionType
      staticIpConnectionInfo {
        ipAddress
        mask
        defaultGateway
        dns
      }
    }
    ethernet1 {
      connectionType
    }
    ntp {
      ntpServers
    }
  }
  currentNetworkingStatus {
    lastUpdatedTime
    ethernet0Status {
      ipAddress
      connectionStatus
      hwAddress
    }
    ethernet1Status {
      ipAddress
      connectionStatus
      hwAddress
    }
    ntpStatus {
      connectionStatus
      ipAddress
      ntpServerName
    }
  }
}
fragment DeviceJobFields on DeviceJob {
  jobId
  jobType
  deviceId
  deviceName
  status
  executionStatus
  imageVersion
  statusReason
  rolloutId
  createdTime
  startedAt
  completedAt
}
fragment ApplicationFields on ApplicationInstance {
  applicationInstanceId
  name
  description
  defaultRuntimeContextDevice
  defaultRuntimeContextDeviceName
  status
  healthStatus
  statusDescription
  createdTime
  lastUpdatedTime
  deploymentName
  deploymentRevision
}
fragment LogEventFields on LogEventConnection {
  pageInfo {
    hasNextPage
    endCursor
    hasPreviousPage
    startCursor
  }
  edges {
    node {
      timestamp
      logStream
      message
    }
  }
}
fragment TunnelFields on Tunnel {
  tunnelId
  tunnelArn
  deviceId
  services
  description
  status
  timeoutMinutes
  openedBy
  createdAt
  expiresAt
  closedAt
  sourceConnectionState {
    status
  }
  destinationConnectionState {
    status
  }
}
fragment ClipFields on Clip {
  clipId
  deviceId
  camera
  objectKey
  startedAt
  sizeBytes
  sha256
  uploadedBy
  uploadedAt
  url
}`) as unknown as TypedDocumentString<DevicePageQuery, DevicePageQueryVariables>;
export const DeviceProvisioningDocument = new TypedDocumentString(`
    query DeviceProvisioning($deviceId: ID!) {
  device(deviceId: $deviceId) {
    provisioningStatus
  }
}
    `) as unknown as TypedDocumentString<DeviceProvisioningQuery, DeviceProvisioningQueryVariables>;
export const FleetSummaryDocument = new TypedDocumentString(`
    query FleetSummary {
  fleetSummary {
    total
    byAggregatedStatus {
      status
      count
    }
    bySoftware {
      software
      count
    }
  }
}
    `) as unknown as TypedDocumentString<FleetSummaryQuery, FleetSummaryQueryVariables>;
export const DeviceShadowDocument = new TypedDocumentString(`
    query DeviceShadow($deviceId: ID!, $shadowName: String) {
  deviceShadow(deviceId: $deviceId, shadowName: $shadowName)
}
    `) as unknown as TypedDocumentString<DeviceShadowQuery, DeviceShadowQueryVariables>;
export const ProvisionDeviceDocument = new TypedDocumentString(`
    mutation ProvisionDevice($input: ProvisionDeviceInput!) {
  provisionDevice(input: $input) {
    deviceId
    arn
    iotThingName
    status
    certificates
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<ProvisionDeviceMutation, ProvisionDeviceMutationVariables>;
export const DeleteDeviceDocument = new TypedDocumentString(`
    mutation DeleteDevice($deviceId: ID!) {
  deleteDevice(deviceId: $deviceId) {
    deviceId
    name
    provisioningStatus
  }
}
    `) as unknown as TypedDocumentString<DeleteDeviceMutation, DeleteDeviceMutationVariables>;
export const DeviceJobsDocument = new TypedDocumentString(`
    query DeviceJobs($deviceId: ID, $first: Int!, $after: String) {
  devicesJobs(deviceId: $deviceId, first: $first, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...DeviceJobFields
      }
    }
  }
}
    fragment DeviceJobFields on DeviceJob {
  jobId
  jobType
  deviceId
  deviceName
  status
  executionStatus
  imageVersion
  statusReason
  rolloutId
  createdTime
  startedAt
  completedAt
}`) as unknown as TypedDocumentString<DeviceJobsQuery, DeviceJobsQueryVariables>;
export const DeviceJobDocument = new TypedDocumentString(`
    query DeviceJob($jobId: String!) {
  deviceJob(jobId: $jobId) {
    ...DeviceJobFields
    timeline {
      at
      from
      to
      actor
      reason
    }
  }
}
    fragment DeviceJobFields on DeviceJob {
  jobId
  jobType
  deviceId
  deviceName
  status
  executionStatus
  imageVersion
  statusReason
  rolloutId
  createdTime
  startedAt
  completedAt
}`) as unknown as TypedDocumentString<DeviceJobQuery, DeviceJobQueryVariables>;
export const CreateJobForDevicesDocument = new TypedDocumentString(`
    mutation CreateJobForDevices($input: CreateJobForDevicesInput!) {
  createJobForDevices(input: $input) {
    jobs {
      deviceId
      jobId
    }
  }
}
    `) as unknown as TypedDocumentString<CreateJobForDevicesMutation, CreateJobForDevicesMutationVariables>;
export const JobUpdatedDocument = new TypedDocumentString(`
    subscription JobUpdated($jobId: String!) {
  jobUpdated(jobId: $jobId) {
    ...DeviceJobFields
  }
}
    fragment DeviceJobFields on DeviceJob {
  jobId
  jobType
  deviceId
  deviceName
  status
  executionStatus
  imageVersion
  statusReason
  rolloutId
  createdTime
  startedAt
  completedAt
}`) as unknown as TypedDocumentString<JobUpdatedSubscription, JobUpdatedSubscriptionVariables>;
export const DeviceUpdatedDocument = new TypedDocumentString(`
    subscription DeviceUpdated($deviceId: ID) {
  deviceUpdated(deviceId: $deviceId) {
    ...DeviceFields
  }
}
    fragment DeviceFields on Device {
  deviceId
  name
  description
  arn
  type
  brand
  serialNumber
  provisioningStatus
  provisioningStatusReason
  deviceConnectionStatus
  deviceAggregatedStatus
  currentSoftware
  latestSoftware
  lastSeenAt
  leaseExpirationTime
  createdTime
  tags {
    key
    value
  }
}`) as unknown as TypedDocumentString<DeviceUpdatedSubscription, DeviceUpdatedSubscriptionVariables>;
export const RolloutsDocument = new TypedDocumentString(`
    query Rollouts {
  rollouts {
    ...RolloutFields
  }
}
    fragment RolloutFields on Rollout {
  id
  name
  jobType
  imageVersion
  status
  statusReason
  currentWave
  createdAt
  startedAt
  completedAt
  progress {
    targeted
    queued
    inProgress
    succeeded
    failed
    timedOut
    rejected
    canceled
    offline
    offlineUntil
  }
}`) as unknown as TypedDocumentString<RolloutsQuery, RolloutsQueryVariables>;
export const RolloutDocument = new TypedDocumentString(`
    query Rollout($id: ID!) {
  rollout(id: $id) {
    ...RolloutFields
  }
}
    fragment RolloutFields on Rollout {
  id
  name
  jobType
  imageVersion
  status
  statusReason
  currentWave
  createdAt
  startedAt
  completedAt
  progress {
    targeted
    queued
    inProgress
    succeeded
    failed
    timedOut
    rejected
    canceled
    offline
    offlineUntil
  }
}`) as unknown as TypedDocumentString<RolloutQuery, RolloutQueryVariables>;
export const CreateRolloutDocument = new TypedDocumentString(`
    mutation CreateRollout($input: CreateRolloutInput!) {
  createRollout(input: $input) {
    rollout {
      ...RolloutFields
    }
    dryRun {
      targeted
      offline
      devices {
        deviceId
        name
        online
      }
    }
  }
}
    fragment RolloutFields on Rollout {
  id
  name
  jobType
  imageVersion
  status
  statusReason
  currentWave
  createdAt
  startedAt
  completedAt
  progress {
    targeted
    queued
    inProgress
    succeeded
    failed
    timedOut
    rejected
    canceled
    offline
    offlineUntil
  }
}`) as unknown as TypedDocumentString<CreateRolloutMutation, CreateRolloutMutationVariables>;
export const PauseRolloutDocument = new TypedDocumentString(`
    mutation PauseRollout($id: ID!) {
  pauseRollout(id: $id) {
    ...RolloutFields
  }
}
    fragment RolloutFields on Rollout {
  id
  name
  jobType
  imageVersion
  status
  statusReason
  currentWave
  createdAt
  startedAt
  completedAt
  progress {
    targeted
    queued
    inProgress
    succeeded
    failed
    timedOut
    rejected
    canceled
    offline
    offlineUntil
  }
}`) as unknown as TypedDocumentString<PauseRolloutMutation, PauseRolloutMutationVariables>;
export const ResumeRolloutDocument = new TypedDocumentString(`
    mutation ResumeRollout($id: ID!) {
  resumeRollout(id: $id) {
    ...RolloutFields
  }
}
    fragment RolloutFields on Rollout {
  id
  name
  jobType
  imageVersion
  status
  statusReason
  currentWave
  createdAt
  startedAt
  completedAt
  progress {
    targeted
    queued
    inProgress
    succeeded
    failed
    timedOut
    rejected
    canceled
    offline
    offlineUntil
  }
}`) as unknown as TypedDocumentString<ResumeRolloutMutation, ResumeRolloutMutationVariables>;
export const CancelRolloutDocument = new TypedDocumentString(`
    mutation CancelRollout($id: ID!) {
  cancelRollout(id: $id) {
    ...RolloutFields
  }
}
    fragment RolloutFields on Rollout {
  id
  name
  jobType
  imageVersion
  status
  statusReason
  currentWave
  createdAt
  startedAt
  completedAt
  progress {
    targeted
    queued
    inProgress
    succeeded
    failed
    timedOut
    rejected
    canceled
    offline
    offlineUntil
  }
}`) as unknown as TypedDocumentString<CancelRolloutMutation, CancelRolloutMutationVariables>;
export const RolloutProgressDocument = new TypedDocumentString(`
    subscription RolloutProgress($id: ID!) {
  rolloutProgress(rolloutId: $id) {
    ...RolloutFields
  }
}
    fragment RolloutFields on Rollout {
  id
  name
  jobType
  imageVersion
  status
  statusReason
  currentWave
  createdAt
  startedAt
  completedAt
  progress {
    targeted
    queued
    inProgress
    succeeded
    failed
    timedOut
    rejected
    canceled
    offline
    offlineUntil
  }
}`) as unknown as TypedDocumentString<RolloutProgressSubscription, RolloutProgressSubscriptionVariables>;
export const CamerasDocument = new TypedDocumentString(`
    query Cameras($first: Int!, $after: String) {
  nodeFromTemplateJobs(first: $first, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...CameraFields
      }
    }
  }
}
    fragment CameraFields on NodeFromTemplateJob {
  jobId
  nodeName
  interface
  nodeDescription
  outputPackageName
  outputPackageVersion
  packageId
  status
  statusMessage
  streamUrl
  createdTime
  credentials {
    stored
    updatedAt
  }
}`) as unknown as TypedDocumentString<CamerasQuery, CamerasQueryVariables>;
export const CameraDocument = new TypedDocumentString(`
    query Camera($jobId: String!) {
  nodeFromTemplateJob(jobId: $jobId) {
    ...CameraFields
  }
}
    fragment CameraFields on NodeFromTemplateJob {
  jobId
  nodeName
  interface
  nodeDescription
  outputPackageName
  outputPackageVersion
  packageId
  status
  statusMessage
  streamUrl
  createdTime
  credentials {
    stored
    updatedAt
  }
}`) as unknown as TypedDocumentString<CameraQuery, CameraQueryVariables>;
export const CreateCameraDocument = new TypedDocumentString(`
    mutation CreateCamera($input: CreateNodeFromTemplateJobInput!) {
  createNodeFromTemplateJob(input: $input) {
    ...CameraFields
  }
}
    fragment CameraFields on NodeFromTemplateJob {
  jobId
  nodeName
  interface
  nodeDescription
  outputPackageName
  outputPackageVersion
  packageId
  status
  statusMessage
  streamUrl
  createdTime
  credentials {
    stored
    updatedAt
  }
}`) as unknown as TypedDocumentString<CreateCameraMutation, CreateCameraMutationVariables>;
export const PackagesDocument = new TypedDocumentString(`
    query Packages($first: Int!, $after: String) {
  packages(first: $first, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...PackageFields
      }
    }
  }
}
    fragment PackageFields on Package {
  packageId
  packageName
  arn
  camera
  createdTime
  versions {
    packageVersion
    patchVersion
    status
    statusDescription
    isLatestPatch
    registeredTime
  }
}`) as unknown as TypedDocumentString<PackagesQuery, PackagesQueryVariables>;
export const PackageDocument = new TypedDocumentString(`
    query Package($packageId: String!) {
  package(packageId: $packageId) {
    ...PackageFields
    assets {
      sha256
      sizeBytes
      uploadedAt
    }
  }
}
    fragment PackageFields on Package {
  packageId
  packageName
  arn
  camera
  createdTime
  versions {
    packageVersion
    patchVersion
    status
    statusDescription
    isLatestPatch
    registeredTime
  }
}`) as unknown as TypedDocumentString<PackageQuery, PackageQueryVariables>;
export const CreatePackageDocument = new TypedDocumentString(`
    mutation CreatePackage($name: String!) {
  createPackage(name: $name) {
    ...PackageFields
  }
}
    fragment PackageFields on Package {
  packageId
  packageName
  arn
  camera
  createdTime
  versions {
    packageVersion
    patchVersion
    status
    statusDescription
    isLatestPatch
    registeredTime
  }
}`) as unknown as TypedDocumentString<CreatePackageMutation, CreatePackageMutationVariables>;
export const PackageAssetUploadUrlDocument = new TypedDocumentString(`
    mutation PackageAssetUploadUrl($packageId: String!, $sha256: String!, $sizeBytes: Float!) {
  createPackageAssetUploadUrl(
    packageId: $packageId
    sha256: $sha256
    sizeBytes: $sizeBytes
  ) {
    url
    alreadyUploaded
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<PackageAssetUploadUrlMutation, PackageAssetUploadUrlMutationVariables>;
export const RegisterPackageVersionDocument = new TypedDocumentString(`
    mutation RegisterPackageVersion($input: RegisterPackageVersionInput!) {
  registerPackageVersion(input: $input) {
    packageId
    packageName
    packageVersion
    patchVersion
    status
    statusDescription
    isLatestPatch
  }
}
    `) as unknown as TypedDocumentString<RegisterPackageVersionMutation, RegisterPackageVersionMutationVariables>;
export const ApplicationsDocument = new TypedDocumentString(`
    query Applications($first: Int!, $after: String, $filter: ApplicationInstanceFilterInput) {
  applicationInstances(first: $first, after: $after, filter: $filter) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...ApplicationFields
      }
    }
  }
}
    fragment ApplicationFields on ApplicationInstance {
  applicationInstanceId
  name
  description
  defaultRuntimeContextDevice
  defaultRuntimeContextDeviceName
  status
  healthStatus
  statusDescription
  createdTime
  lastUpdatedTime
  deploymentName
  deploymentRevision
}`) as unknown as TypedDocumentString<ApplicationsQuery, ApplicationsQueryVariables>;
export const ApplicationPageDocument = new TypedDocumentString(`
    query ApplicationPage($id: String!) {
  applicationInstance(applicationInstanceId: $id) {
    ...ApplicationFields
    manifestPayload {
      payloadData
    }
    manifestOverridesPayload {
      payloadData
    }
    nodeInstances {
      nodeInstanceId
      packageName
      packageVersion
      currentStatus
      statusReason
    }
    snapshotIntervalSeconds
  }
  applicationInstanceLogs(applicationInstanceId: $id, last: 100) {
    ...LogEventFields
  }
  applicationInstanceLastFrame(applicationInstanceId: $id) {
    streamId
    capturedAt
    labels
    jpegBase64
  }
}
    fragment ApplicationFields on ApplicationInstance {
  applicationInstanceId
  name
  description
  defaultRuntimeContextDevice
  defaultRuntimeContextDeviceName
  status
  healthStatus
  statusDescription
  createdTime
  lastUpdatedTime
  deploymentName
  deploymentRevision
}
fragment LogEventFields on LogEventConnection {
  pageInfo {
    hasNextPage
    endCursor
    hasPreviousPage
    startCursor
  }
  edges {
    node {
      timestamp
      logStream
      message
    }
  }
}`) as unknown as TypedDocumentString<ApplicationPageQuery, ApplicationPageQueryVariables>;
export const ApplicationDocument = new TypedDocumentString(`
    query Application($id: String!) {
  applicationInstance(applicationInstanceId: $id) {
    ...ApplicationFields
  }
  applicationInstanceNodeInstances(applicationInstanceId: $id) {
    nodeInstanceId
    nodeId
    nodeName
    packageName
    packageVersion
    packagePatchVersion
    currentStatus
    statusReason
  }
}
    fragment ApplicationFields on ApplicationInstance {
  applicationInstanceId
  name
  description
  defaultRuntimeContextDevice
  defaultRuntimeContextDeviceName
  status
  healthStatus
  statusDescription
  createdTime
  lastUpdatedTime
  deploymentName
  deploymentRevision
}`) as unknown as TypedDocumentString<ApplicationQuery, ApplicationQueryVariables>;
export const ValidateManifestDocument = new TypedDocumentString(`
    query ValidateManifest($manifest: ManifestPayloadInput!, $overrides: ManifestPayloadInput) {
  validateApplicationManifest(
    manifestPayload: $manifest
    manifestOverridesPayload: $overrides
  ) {
    valid
    problems {
      document
      path
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ValidateManifestQuery, ValidateManifestQueryVariables>;
export const CreateApplicationDocument = new TypedDocumentString(`
    mutation CreateApplication($input: CreateApplicationInstanceInput!) {
  createApplicationInstance(input: $input) {
    ...ApplicationFields
  }
}
    fragment ApplicationFields on ApplicationInstance {
  applicationInstanceId
  name
  description
  defaultRuntimeContextDevice
  defaultRuntimeContextDeviceName
  status
  healthStatus
  statusDescription
  createdTime
  lastUpdatedTime
  deploymentName
  deploymentRevision
}`) as unknown as TypedDocumentString<CreateApplicationMutation, CreateApplicationMutationVariables>;
export const RemoveApplicationDocument = new TypedDocumentString(`
    mutation RemoveApplication($id: String!) {
  removeApplicationInstance(applicationInstanceId: $id) {
    ...ApplicationFields
  }
}
    fragment ApplicationFields on ApplicationInstance {
  applicationInstanceId
  name
  description
  defaultRuntimeContextDevice
  defaultRuntimeContextDeviceName
  status
  healthStatus
  statusDescription
  createdTime
  lastUpdatedTime
  deploymentName
  deploymentRevision
}`) as unknown as TypedDocumentString<RemoveApplicationMutation, RemoveApplicationMutationVariables>;
export const SetSnapshotsDocument = new TypedDocumentString(`
    mutation SetSnapshots($id: String!, $seconds: Int!) {
  setApplicationInstanceSnapshots(
    applicationInstanceId: $id
    intervalSeconds: $seconds
  ) {
    ...ApplicationFields
  }
}
    fragment ApplicationFields on ApplicationInstance {
  applicationInstanceId
  name
  description
  defaultRuntimeContextDevice
  defaultRuntimeContextDeviceName
  status
  healthStatus
  statusDescription
  createdTime
  lastUpdatedTime
  deploymentName
  deploymentRevision
}`) as unknown as TypedDocumentString<SetSnapshotsMutation, SetSnapshotsMutationVariables>;
export const SignalNodesDocument = new TypedDocumentString(`
    mutation SignalNodes($id: String!, $signals: [NodeSignalInput!]!) {
  signalApplicationInstanceNodeInstances(
    applicationInstanceId: $id
    nodeSignals: $signals
  ) {
    ...ApplicationFields
  }
}
    fragment ApplicationFields on ApplicationInstance {
  applicationInstanceId
  name
  description
  defaultRuntimeContextDevice
  defaultRuntimeContextDeviceName
  status
  healthStatus
  statusDescription
  createdTime
  lastUpdatedTime
  deploymentName
  deploymentRevision
}`) as unknown as TypedDocumentString<SignalNodesMutation, SignalNodesMutationVariables>;
export const ApplicationUpdatedDocument = new TypedDocumentString(`
    subscription ApplicationUpdated($deviceId: ID!) {
  applicationInstanceUpdated(deviceId: $deviceId) {
    ...ApplicationFields
    nodeInstances {
      nodeInstanceId
      currentStatus
      statusReason
    }
  }
}
    fragment ApplicationFields on ApplicationInstance {
  applicationInstanceId
  name
  description
  defaultRuntimeContextDevice
  defaultRuntimeContextDeviceName
  status
  healthStatus
  statusDescription
  createdTime
  lastUpdatedTime
  deploymentName
  deploymentRevision
}`) as unknown as TypedDocumentString<ApplicationUpdatedSubscription, ApplicationUpdatedSubscriptionVariables>;
export const DeviceLogsDocument = new TypedDocumentString(`
    query DeviceLogs($deviceId: ID!, $logStream: String, $first: Int, $after: String, $last: Int, $before: String, $since: DateTime, $until: DateTime) {
  deviceLogs(
    deviceId: $deviceId
    logStream: $logStream
    first: $first
    after: $after
    last: $last
    before: $before
    since: $since
    until: $until
  ) {
    ...LogEventFields
  }
}
    fragment LogEventFields on LogEventConnection {
  pageInfo {
    hasNextPage
    endCursor
    hasPreviousPage
    startCursor
  }
  edges {
    node {
      timestamp
      logStream
      message
    }
  }
}`) as unknown as TypedDocumentString<DeviceLogsQuery, DeviceLogsQueryVariables>;
export const ApplicationLogsDocument = new TypedDocumentString(`
    query ApplicationLogs($id: String!, $nodeName: String, $first: Int, $after: String, $last: Int, $before: String, $since: DateTime, $until: DateTime) {
  applicationInstanceLogs(
    applicationInstanceId: $id
    nodeName: $nodeName
    first: $first
    after: $after
    last: $last
    before: $before
    since: $since
    until: $until
  ) {
    ...LogEventFields
  }
}
    fragment LogEventFields on LogEventConnection {
  pageInfo {
    hasNextPage
    endCursor
    hasPreviousPage
    startCursor
  }
  edges {
    node {
      timestamp
      logStream
      message
    }
  }
}`) as unknown as TypedDocumentString<ApplicationLogsQuery, ApplicationLogsQueryVariables>;
export const WhoAmIDocument = new TypedDocumentString(`
    query WhoAmI {
  whoami {
    apiKeyId
    organizationId
    accountId
    role
  }
}
    `) as unknown as TypedDocumentString<WhoAmIQuery, WhoAmIQueryVariables>;
export const OrganizationsDocument = new TypedDocumentString(`
    query Organizations {
  organizations {
    id
    name
    accountId
    createdTime
    suspendedTime
  }
}
    `) as unknown as TypedDocumentString<OrganizationsQuery, OrganizationsQueryVariables>;
export const CreateOrganizationDocument = new TypedDocumentString(`
    mutation CreateOrganization($name: String!) {
  createOrganization(name: $name) {
    adminApiKey
    organization {
      id
      name
      accountId
      createdTime
      suspendedTime
    }
  }
}
    `) as unknown as TypedDocumentString<CreateOrganizationMutation, CreateOrganizationMutationVariables>;
export const SuspendOrganizationDocument = new TypedDocumentString(`
    mutation SuspendOrganization($id: ID!) {
  suspendOrganization(id: $id) {
    id
    name
    suspendedTime
  }
}
    `) as unknown as TypedDocumentString<SuspendOrganizationMutation, SuspendOrganizationMutationVariables>;
export const ResumeOrganizationDocument = new TypedDocumentString(`
    mutation ResumeOrganization($id: ID!) {
  resumeOrganization(id: $id) {
    id
    name
    suspendedTime
  }
}
    `) as unknown as TypedDocumentString<ResumeOrganizationMutation, ResumeOrganizationMutationVariables>;
export const CreateApiKeyDocument = new TypedDocumentString(`
    mutation CreateApiKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    secret
    apiKey {
      ...ApiKeyFields
    }
  }
}
    fragment ApiKeyFields on ApiKey {
  id
  name
  role
  prefix
  createdAt
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<CreateApiKeyMutation, CreateApiKeyMutationVariables>;
export const ApiKeysDocument = new TypedDocumentString(`
    query ApiKeys {
  apiKeys {
    ...ApiKeyFields
  }
}
    fragment ApiKeyFields on ApiKey {
  id
  name
  role
  prefix
  createdAt
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<ApiKeysQuery, ApiKeysQueryVariables>;
export const CreateAccessKeyDocument = new TypedDocumentString(`
    mutation CreateAccessKey($input: CreateApiKeyInput!) {
  createAccessKey(input: $input) {
    accessKeyId
    secretAccessKey
    apiKey {
      ...ApiKeyFields
    }
  }
}
    fragment ApiKeyFields on ApiKey {
  id
  name
  role
  prefix
  createdAt
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<CreateAccessKeyMutation, CreateAccessKeyMutationVariables>;
export const RevokeApiKeyDocument = new TypedDocumentString(`
    mutation RevokeApiKey($id: ID!) {
  revokeApiKey(id: $id) {
    ...ApiKeyFields
  }
}
    fragment ApiKeyFields on ApiKey {
  id
  name
  role
  prefix
  createdAt
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<RevokeApiKeyMutation, RevokeApiKeyMutationVariables>;
export const SoftwareImagesDocument = new TypedDocumentString(`
    query SoftwareImages {
  softwareImages {
    ...SoftwareImageFields
  }
}
    fragment SoftwareImageFields on SoftwareImage {
  id
  version
  releaseNotes
  majorVersionUpdate
  sha256
  size
  createdAt
  uploadedAt
}`) as unknown as TypedDocumentString<SoftwareImagesQuery, SoftwareImagesQueryVariables>;
export const RegisterSoftwareImageDocument = new TypedDocumentString(`
    mutation RegisterSoftwareImage($input: RegisterSoftwareImageInput!) {
  registerSoftwareImage(input: $input) {
    ...SoftwareImageFields
  }
}
    fragment SoftwareImageFields on SoftwareImage {
  id
  version
  releaseNotes
  majorVersionUpdate
  sha256
  size
  createdAt
  uploadedAt
}`) as unknown as TypedDocumentString<RegisterSoftwareImageMutation, RegisterSoftwareImageMutationVariables>;
export const CreateImageUploadUrlDocument = new TypedDocumentString(`
    mutation CreateImageUploadUrl($version: String!) {
  createUploadUrl(version: $version) {
    url
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<CreateImageUploadUrlMutation, CreateImageUploadUrlMutationVariables>;
export const OpenTunnelDocument = new TypedDocumentString(`
    mutation OpenTunnel($input: OpenTunnelInput!) {
  openTunnel(input: $input) {
    sourceAccessToken
    endpoint
    tunnel {
      ...TunnelFields
    }
  }
}
    fragment TunnelFields on Tunnel {
  tunnelId
  tunnelArn
  deviceId
  services
  description
  status
  timeoutMinutes
  openedBy
  createdAt
  expiresAt
  closedAt
  sourceConnectionState {
    status
  }
  destinationConnectionState {
    status
  }
}`) as unknown as TypedDocumentString<OpenTunnelMutation, OpenTunnelMutationVariables>;
export const TunnelDocument = new TypedDocumentString(`
    query Tunnel($tunnelId: ID!) {
  tunnel(tunnelId: $tunnelId) {
    ...TunnelFields
  }
}
    fragment TunnelFields on Tunnel {
  tunnelId
  tunnelArn
  deviceId
  services
  description
  status
  timeoutMinutes
  openedBy
  createdAt
  expiresAt
  closedAt
  sourceConnectionState {
    status
  }
  destinationConnectionState {
    status
  }
}`) as unknown as TypedDocumentString<TunnelQuery, TunnelQueryVariables>;
export const TunnelsDocument = new TypedDocumentString(`
    query Tunnels($first: Int!, $after: String, $deviceId: ID, $status: TunnelStatus) {
  tunnels(first: $first, after: $after, deviceId: $deviceId, status: $status) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...TunnelFields
      }
    }
  }
}
    fragment TunnelFields on Tunnel {
  tunnelId
  tunnelArn
  deviceId
  services
  description
  status
  timeoutMinutes
  openedBy
  createdAt
  expiresAt
  closedAt
  sourceConnectionState {
    status
  }
  destinationConnectionState {
    status
  }
}`) as unknown as TypedDocumentString<TunnelsQuery, TunnelsQueryVariables>;
export const CloseTunnelDocument = new TypedDocumentString(`
    mutation CloseTunnel($tunnelId: ID!, $delete: Boolean!) {
  closeTunnel(tunnelId: $tunnelId, delete: $delete) {
    ...TunnelFields
  }
}
    fragment TunnelFields on Tunnel {
  tunnelId
  tunnelArn
  deviceId
  services
  description
  status
  timeoutMinutes
  openedBy
  createdAt
  expiresAt
  closedAt
  sourceConnectionState {
    status
  }
  destinationConnectionState {
    status
  }
}`) as unknown as TypedDocumentString<CloseTunnelMutation, CloseTunnelMutationVariables>;
export const RotateTunnelAccessTokenDocument = new TypedDocumentString(`
    mutation RotateTunnelAccessToken($tunnelId: ID!, $clientMode: TunnelClientMode!) {
  rotateTunnelAccessToken(tunnelId: $tunnelId, clientMode: $clientMode) {
    sourceAccessToken
    destinationAccessToken
    endpoint
    tunnel {
      ...TunnelFields
    }
  }
}
    fragment TunnelFields on Tunnel {
  tunnelId
  tunnelArn
  deviceId
  services
  description
  status
  timeoutMinutes
  openedBy
  createdAt
  expiresAt
  closedAt
  sourceConnectionState {
    status
  }
  destinationConnectionState {
    status
  }
}`) as unknown as TypedDocumentString<RotateTunnelAccessTokenMutation, RotateTunnelAccessTokenMutationVariables>;
export const RoleAliasesDocument = new TypedDocumentString(`
    query RoleAliases($first: Int!, $after: String) {
  roleAliases(first: $first, after: $after) {
    edges {
      node {
        ...RoleAliasFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment RoleAliasFields on RoleAlias {
  roleAlias
  roleAliasArn
  roleArn
  owner
  policyDocument
  credentialDurationSeconds
  creationDate
  lastModifiedDate
}`) as unknown as TypedDocumentString<RoleAliasesQuery, RoleAliasesQueryVariables>;
export const RoleAliasDocument = new TypedDocumentString(`
    query RoleAlias($roleAlias: String!) {
  roleAlias(roleAlias: $roleAlias) {
    ...RoleAliasFields
  }
}
    fragment RoleAliasFields on RoleAlias {
  roleAlias
  roleAliasArn
  roleArn
  owner
  policyDocument
  credentialDurationSeconds
  creationDate
  lastModifiedDate
}`) as unknown as TypedDocumentString<RoleAliasQuery, RoleAliasQueryVariables>;
export const CreateRoleAliasDocument = new TypedDocumentString(`
    mutation CreateRoleAlias($input: CreateRoleAliasInput!) {
  createRoleAlias(input: $input) {
    ...RoleAliasFields
  }
}
    fragment RoleAliasFields on RoleAlias {
  roleAlias
  roleAliasArn
  roleArn
  owner
  policyDocument
  credentialDurationSeconds
  creationDate
  lastModifiedDate
}`) as unknown as TypedDocumentString<CreateRoleAliasMutation, CreateRoleAliasMutationVariables>;
export const UpdateRoleAliasDocument = new TypedDocumentString(`
    mutation UpdateRoleAlias($roleAlias: String!, $input: UpdateRoleAliasInput!) {
  updateRoleAlias(roleAlias: $roleAlias, input: $input) {
    ...RoleAliasFields
  }
}
    fragment RoleAliasFields on RoleAlias {
  roleAlias
  roleAliasArn
  roleArn
  owner
  policyDocument
  credentialDurationSeconds
  creationDate
  lastModifiedDate
}`) as unknown as TypedDocumentString<UpdateRoleAliasMutation, UpdateRoleAliasMutationVariables>;
export const DeleteRoleAliasDocument = new TypedDocumentString(`
    mutation DeleteRoleAlias($roleAlias: String!) {
  deleteRoleAlias(roleAlias: $roleAlias) {
    roleAlias
  }
}
    `) as unknown as TypedDocumentString<DeleteRoleAliasMutation, DeleteRoleAliasMutationVariables>;
export const ClipsDocument = new TypedDocumentString(`
    query Clips($deviceId: ID, $camera: String, $from: DateTime, $to: DateTime, $first: Int!, $after: String) {
  clips(
    deviceId: $deviceId
    camera: $camera
    from: $from
    to: $to
    first: $first
    after: $after
  ) {
    edges {
      node {
        ...ClipFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment ClipFields on Clip {
  clipId
  deviceId
  camera
  objectKey
  startedAt
  sizeBytes
  sha256
  uploadedBy
  uploadedAt
  url
}`) as unknown as TypedDocumentString<ClipsQuery, ClipsQueryVariables>;
export const ClipDocument = new TypedDocumentString(`
    query Clip($clipId: ID!) {
  clip(clipId: $clipId) {
    ...ClipFields
  }
}
    fragment ClipFields on Clip {
  clipId
  deviceId
  camera
  objectKey
  startedAt
  sizeBytes
  sha256
  uploadedBy
  uploadedAt
  url
}`) as unknown as TypedDocumentString<ClipQuery, ClipQueryVariables>;
export const ThingGroupsDocument = new TypedDocumentString(`
    query ThingGroups($first: Int!, $after: String) {
  thingGroups(first: $first, after: $after) {
    edges {
      node {
        ...ThingGroupFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment ThingGroupFields on ThingGroup {
  thingGroupName
  thingGroupArn
  description
  queryString
  dynamic
  version
  memberCount
  creationDate
}`) as unknown as TypedDocumentString<ThingGroupsQuery, ThingGroupsQueryVariables>;
export const ThingGroupDocument = new TypedDocumentString(`
    query ThingGroup($name: String!) {
  thingGroup(thingGroupName: $name) {
    ...ThingGroupFields
  }
}
    fragment ThingGroupFields on ThingGroup {
  thingGroupName
  thingGroupArn
  description
  queryString
  dynamic
  version
  memberCount
  creationDate
}`) as unknown as TypedDocumentString<ThingGroupQuery, ThingGroupQueryVariables>;
export const ThingGroupMembersDocument = new TypedDocumentString(`
    query ThingGroupMembers($name: String!, $first: Int!, $after: String) {
  thingGroupMembers(thingGroupName: $name, first: $first, after: $after) {
    edges {
      node {
        deviceId
        name
        addedAt
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<ThingGroupMembersQuery, ThingGroupMembersQueryVariables>;
export const CreateThingGroupDocument = new TypedDocumentString(`
    mutation CreateThingGroup($input: CreateThingGroupInput!) {
  createThingGroup(input: $input) {
    ...ThingGroupFields
  }
}
    fragment ThingGroupFields on ThingGroup {
  thingGroupName
  thingGroupArn
  description
  queryString
  dynamic
  version
  memberCount
  creationDate
}`) as unknown as TypedDocumentString<CreateThingGroupMutation, CreateThingGroupMutationVariables>;
export const UpdateThingGroupDocument = new TypedDocumentString(`
    mutation UpdateThingGroup($name: String!, $input: UpdateThingGroupInput!) {
  updateThingGroup(thingGroupName: $name, input: $input) {
    ...ThingGroupFields
  }
}
    fragment ThingGroupFields on ThingGroup {
  thingGroupName
  thingGroupArn
  description
  queryString
  dynamic
  version
  memberCount
  creationDate
}`) as unknown as TypedDocumentString<UpdateThingGroupMutation, UpdateThingGroupMutationVariables>;
export const DeleteThingGroupDocument = new TypedDocumentString(`
    mutation DeleteThingGroup($name: String!) {
  deleteThingGroup(thingGroupName: $name) {
    thingGroupName
  }
}
    `) as unknown as TypedDocumentString<DeleteThingGroupMutation, DeleteThingGroupMutationVariables>;
export const AddThingToThingGroupDocument = new TypedDocumentString(`
    mutation AddThingToThingGroup($name: String!, $deviceId: ID!) {
  addThingToThingGroup(thingGroupName: $name, deviceId: $deviceId) {
    ...ThingGroupFields
  }
}
    fragment ThingGroupFields on ThingGroup {
  thingGroupName
  thingGroupArn
  description
  queryString
  dynamic
  version
  memberCount
  creationDate
}`) as unknown as TypedDocumentString<AddThingToThingGroupMutation, AddThingToThingGroupMutationVariables>;
export const RemoveThingFromThingGroupDocument = new TypedDocumentString(`
    mutation RemoveThingFromThingGroup($name: String!, $deviceId: ID!) {
  removeThingFromThingGroup(thingGroupName: $name, deviceId: $deviceId) {
    ...ThingGroupFields
  }
}
    fragment ThingGroupFields on ThingGroup {
  thingGroupName
  thingGroupArn
  description
  queryString
  dynamic
  version
  memberCount
  creationDate
}`) as unknown as TypedDocumentString<RemoveThingFromThingGroupMutation, RemoveThingFromThingGroupMutationVariables>;
export const DeploymentsDocument = new TypedDocumentString(`
    query Deployments($first: Int!, $after: String, $thingGroupName: String) {
  deployments(first: $first, after: $after, thingGroupName: $thingGroupName) {
    edges {
      node {
        ...DeploymentFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment DeploymentFields on Deployment {
  id
  name
  thingGroupName
  applicationInstanceName
  priority
  failureHandling
  healthCheckSeconds
  status
  currentRevision
  createdAt
  updatedAt
  canceledAt
  revisions {
    revision
    softwareVersion
    rolloutId
    actor
    createdAt
  }
}`) as unknown as TypedDocumentString<DeploymentsQuery, DeploymentsQueryVariables>;
export const DeploymentDocument = new TypedDocumentString(`
    query Deployment($name: String!) {
  deployment(deploymentName: $name) {
    ...DeploymentFields
  }
}
    fragment DeploymentFields on Deployment {
  id
  name
  thingGroupName
  applicationInstanceName
  priority
  failureHandling
  healthCheckSeconds
  status
  currentRevision
  createdAt
  updatedAt
  canceledAt
  revisions {
    revision
    softwareVersion
    rolloutId
    actor
    createdAt
  }
}`) as unknown as TypedDocumentString<DeploymentQuery, DeploymentQueryVariables>;
export const DeploymentDevicesDocument = new TypedDocumentString(`
    query DeploymentDevices($name: String!, $first: Int!, $after: String) {
  deploymentDevices(deploymentName: $name, first: $first, after: $after) {
    edges {
      node {
        deviceId
        deviceName
        state
        revision
        applicationInstanceId
        statusDescription
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<DeploymentDevicesQuery, DeploymentDevicesQueryVariables>;
export const CreateDeploymentDocument = new TypedDocumentString(`
    mutation CreateDeployment($input: CreateDeploymentInput!) {
  createDeployment(input: $input) {
    ...DeploymentFields
  }
}
    fragment DeploymentFields on Deployment {
  id
  name
  thingGroupName
  applicationInstanceName
  priority
  failureHandling
  healthCheckSeconds
  status
  currentRevision
  createdAt
  updatedAt
  canceledAt
  revisions {
    revision
    softwareVersion
    rolloutId
    actor
    createdAt
  }
}`) as unknown as TypedDocumentString<CreateDeploymentMutation, CreateDeploymentMutationVariables>;
export const ReviseDeploymentDocument = new TypedDocumentString(`
    mutation ReviseDeployment($name: String!, $input: DeploymentRevisionInput!) {
  reviseDeployment(deploymentName: $name, input: $input) {
    ...DeploymentFields
  }
}
    fragment DeploymentFields on Deployment {
  id
  name
  thingGroupName
  applicationInstanceName
  priority
  failureHandling
  healthCheckSeconds
  status
  currentRevision
  createdAt
  updatedAt
  canceledAt
  revisions {
    revision
    softwareVersion
    rolloutId
    actor
    createdAt
  }
}`) as unknown as TypedDocumentString<ReviseDeploymentMutation, ReviseDeploymentMutationVariables>;
export const CancelDeploymentDocument = new TypedDocumentString(`
    mutation CancelDeployment($name: String!) {
  cancelDeployment(deploymentName: $name) {
    ...DeploymentFields
  }
}
    fragment DeploymentFields on Deployment {
  id
  name
  thingGroupName
  applicationInstanceName
  priority
  failureHandling
  healthCheckSeconds
  status
  currentRevision
  createdAt
  updatedAt
  canceledAt
  revisions {
    revision
    softwareVersion
    rolloutId
    actor
    createdAt
  }
}`) as unknown as TypedDocumentString<CancelDeploymentMutation, CancelDeploymentMutationVariables>;