export { DEFAULT_JOB_OPTIONS, QUEUE_NAMES } from './queue.map';
export type { JobName, JobPayload, QueueName, QueuePayloads } from './queue.map';
export { outbox, OUTBOX_CHANNEL } from './outbox';
export type { OutboxMessage, OutboxRow } from './outbox';
