import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@edgefleet/config';
import { IotModule } from '@edgefleet/iot';
import { OrganizationsModule } from '@edgefleet/organizations';
import { TunnelRepository } from './tunnel.repository';
import { TunnelService } from './tunnel.service';

/** Secure tunnels to devices: opened and closed by operators, joined by local proxies with their access tokens. */
@Module({})
export class TunnelsModule {
  static forRoot(config: Config): DynamicModule {
    return { module: TunnelsModule, imports: [IotModule.forRoot(config), OrganizationsModule], providers: [TunnelRepository, TunnelService], exports: [TunnelService] };
  }
}
