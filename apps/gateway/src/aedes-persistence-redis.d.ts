// aedes-persistence-redis ships no types; only what the gateway uses.
declare module 'aedes-persistence-redis' {
  interface Options {
    host?: string;
    port?: number;
    password?: string;
    db?: number;
    maxSessionDelivery?: number;
    /** A Redis Cluster's seed nodes, instead of host and port. */
    cluster?: { host: string; port: number }[];
  }
  interface Persistence {
    setup(broker: unknown): Promise<void>;
    destroy(): Promise<void>;
  }
  function persistence(opts?: Options): Persistence;
  export = persistence;
}
