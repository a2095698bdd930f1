import { Module } from '@nestjs/common';
import { OrganizationsModule } from '@edgefleet/organizations';
import { DeviceEventsPublisher } from './device-events.publisher';
import { DevicePresenceService } from './device-presence.service';
import { DeviceService } from './device.service';

@Module({ imports: [OrganizationsModule], providers: [DeviceService, DeviceEventsPublisher, DevicePresenceService], exports: [DeviceService, DeviceEventsPublisher, DevicePresenceService] })
export class DevicesModule {}
