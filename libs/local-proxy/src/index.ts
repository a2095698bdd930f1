export { LocalProxy, TunnelHandshakeError } from './local.proxy';
export type { LocalProxyOptions, ProxyMode, ServiceAddress } from './local.proxy';
