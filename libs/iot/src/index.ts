export { IotBackend, disconnectChannel } from './iot-backend.port';
export type { DisconnectOrder, ProvisioningClaim } from './iot-backend.port';
export { LocalIotBackend, claimCommonName, gatewayEndpoint } from './local-iot.backend';
export { AwsIotBackend } from './aws-iot.backend';
export { IotModule, caDirectory } from './iot.module';
export { MqttPublisher } from './mqtt.publisher';
export { AwsShadowClient } from './aws-shadow.client';
export { AwsJobsClient } from './aws-jobs.client';
