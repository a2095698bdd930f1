import { StateMachine } from './state-machine';

export type TunnelStatus = 'OPEN' | 'CLOSED';
export type TunnelEvent = 'CLOSE';

/** AWS IoT secure tunneling's tunnel: open until closed or until its lifetime ends (an expired OPEN row reads as CLOSED). */
export const tunnelMachine = new StateMachine<TunnelStatus, TunnelEvent>('Tunnel', {
  CLOSE: { OPEN: 'CLOSED' },
});
