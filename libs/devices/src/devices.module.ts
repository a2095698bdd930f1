import { Module } from '@nestjs/common';
import { OrganizationsModule } from '@edgefleet/organizations';
import { DeviceEventsPublisher } from './device-events.publisher';
import { DevicePresenceService } from './device-presence.service';
import { DeviceRegistration } from './device-registration.service';
import { DeviceRepository } from './device.repository';
import { DeviceService } from './device.service';
import { SystemReports } from './system-reports.service';

const services = [DeviceService, DeviceRegistration, DevicePresenceService, SystemReports, DeviceEventsPublisher];

@Module({ imports: [OrganizationsModule], providers: [DeviceRepository, ...services], exports: [...services, DeviceRepository] })
export class DevicesModule {}
