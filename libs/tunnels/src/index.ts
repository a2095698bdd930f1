export { TunnelsModule } from './tunnels.module';
export { MAX_OPEN_TUNNELS_PER_DEVICE, TunnelService } from './tunnel.service';
export type { AdmittedPeer, ConnectionState, OpenedTunnel, OpenTunnelInput, RotatedTunnel, TunnelClientMode, TunnelView } from './tunnel.service';
