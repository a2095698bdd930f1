export * from './fleet-provisioning.contract';
export * from './presence.contract';
export * from './bundle.contract';
export * from './shadow.contract';
export * from './shadow.document';
export * from './payload';
export * from './jobs.contract';
export * from './rejected.mapping';
