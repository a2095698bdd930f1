import { Module } from '@nestjs/common';
import { OrganizationsModule } from '@edgefleet/organizations';
import { DeviceEventsPublisher } from './device-events.publisher';
import { DeviceService } from './device.service';

@Module({ imports: [OrganizationsModule], providers: [DeviceService, DeviceEventsPublisher], exports: [DeviceService, DeviceEventsPublisher] })
export class DevicesModule {}
