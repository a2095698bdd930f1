/** AWS IoT lifecycle events, as the gateway publishes them. */
export const presenceTopic = (eventType: 'connected' | 'disconnected', clientId: string) => `$aws/events/presence/${eventType}/${clientId}`;

export type DisconnectReason =
  | 'CLIENT_INITIATED_DISCONNECT'
  | 'SERVER_INITIATED_DISCONNECT'
  | 'API_INITIATED_DISCONNECT'
  | 'CONNECTION_LOST'
  | 'MQTT_KEEP_ALIVE_TIMEOUT'
  | 'DUPLICATE_CLIENTID'
  | 'AUTH_ERROR'
  | 'CLIENT_ERROR';

export interface PresenceEvent {
  clientId: string;
  timestamp: number;
  eventType: 'connected' | 'disconnected';
  sessionIdentifier: string;
  /** The certificate id, for mTLS clients. */
  principalIdentifier: string;
  versionNumber: number;
  ipAddress?: string;
  clientInitiatedDisconnect?: boolean;
  disconnectReason?: DisconnectReason;
}

export function presenceEvent(eventType: PresenceEvent['eventType'], clientId: string, session: string, principal: string, extra: Partial<PresenceEvent> = {}): PresenceEvent {
  return { clientId, timestamp: Date.now(), eventType, sessionIdentifier: session, principalIdentifier: principal, versionNumber: 0, ...extra };
}
