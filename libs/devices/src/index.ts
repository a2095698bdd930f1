export { DevicesModule } from './devices.module';
export { DeviceService } from './device.service';
export type { DeviceConnection, DeviceView, FleetSummary, NewDevice } from './device.service';
export { DeviceRepository, MAX_PAGE_SIZE, devicePageSql } from './device.repository';
export type { DeviceFilter, DeviceListArgs, DeviceSortBy, DeviceTarget, SortOrder, TargetDevice } from './device.repository';
export { DeviceEventsPublisher, deviceUpdatedChannel } from './device-events.publisher';
export { DevicePresenceService } from './device-presence.service';
export { moveConnection, moveProvisioning } from './device.transitions';
export { type SystemProjection, prepareSystemReport, projectSystemReport, writeSystemReports } from './system-report.projection';
