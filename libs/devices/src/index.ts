export { DevicesModule } from './devices.module';
export { DeviceService } from './device.service';
export type { DeviceConnection, DeviceView, NewDevice } from './device.service';
export { MAX_PAGE_SIZE, devicePageSql, deviceSelectionSql } from './device-list.query';
export type { DeviceFilter, DeviceListArgs, DeviceSortBy, SortOrder } from './device-list.query';
export { DeviceEventsPublisher, deviceUpdatedChannel } from './device-events.publisher';
export { DevicePresenceService } from './device-presence.service';
export { moveConnection, moveProvisioning } from './device.transitions';
