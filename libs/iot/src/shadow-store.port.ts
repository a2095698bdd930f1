/** Where device shadows live, for operators and workers: our gateway's store (local) or AWS IoT Core (aws). */
export abstract class ShadowStore {
  abstract get(thingName: string, shadowName: string | null): Promise<object>;
  /** Sets desired state; the device hears the delta. */
  abstract updateDesired(thingName: string, shadowName: string | null, desired: unknown): Promise<object>;
}
