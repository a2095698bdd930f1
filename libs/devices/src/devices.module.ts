import { Module } from '@nestjs/common';
import { OrganizationsModule } from '@edgefleet/organizations';
import { DeviceService } from './device.service';

@Module({ imports: [OrganizationsModule], providers: [DeviceService], exports: [DeviceService] })
export class DevicesModule {}
