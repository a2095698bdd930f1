import { z } from 'zod';

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

/** An AWS IoT lifecycle event as AWS IoT (and the gateway) publish it; what the registry reads is required. */
export const presenceEventPayload = z.object({
  clientId: z.string().min(1),
  timestamp: z.number(),
  eventType: z.enum(['connected', 'disconnected']),
  sessionIdentifier: z.string().min(1),
  /** The certificate id, for mTLS clients. */
  principalIdentifier: z.string().optional(),
  versionNumber: z.number().optional(),
  ipAddress: z.string().optional(),
  clientInitiatedDisconnect: z.boolean().optional(),
  // AWS IoT has more reasons than the gateway (SERVER_ERROR, THROTTLED, …): any is recorded as given.
  disconnectReason: z.string().max(64).optional(),
});
export type PresenceEvent = z.infer<typeof presenceEventPayload>;

export function presenceEvent(eventType: PresenceEvent['eventType'], clientId: string, session: string, principal: string, extra: Partial<PresenceEvent> = {}): PresenceEvent {
  return { clientId, timestamp: Date.now(), eventType, sessionIdentifier: session, principalIdentifier: principal, versionNumber: 0, ...extra };
}
