import { Module } from '@nestjs/common';
import { OrganizationsModule } from '@edgefleet/organizations';
import { DeviceEventsPublisher } from './device-events.publisher';
import { DevicePresenceService } from './device-presence.service';
import { DeviceRepository } from './device.repository';
import { DeviceService } from './device.service';

@Module({ imports: [OrganizationsModule], providers: [DeviceService, DeviceRepository, DeviceEventsPublisher, DevicePresenceService], exports: [DeviceService, DeviceRepository, DeviceEventsPublisher, DevicePresenceService] })
export class DevicesModule {}
