/** What the agent's parts log their events through: its pino logger (shipped to the device's logs too), or nothing (the fleet simulator). */
export interface AgentLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export const SILENT: AgentLog = { info: () => undefined, warn: () => undefined };
