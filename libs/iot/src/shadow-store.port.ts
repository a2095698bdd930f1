/** A change of a shadow's state: desired (the device hears the delta), reported (set on the device's behalf, to clear what it reported), or both. */
export interface ShadowStateChange {
  desired?: unknown;
  reported?: unknown;
}

/** Where device shadows live, for operators and workers: our gateway's store (local) or AWS IoT Core (aws). */
export abstract class ShadowStore {
  abstract get(thingName: string, shadowName: string | null): Promise<object>;
  /**
   * Merges the change into the shadow's state, as an UpdateThingShadow would; the device hears the
   * documents and delta. With `version`, only if the shadow is still at that version (else VERSION_CONFLICT).
   */
  abstract update(thingName: string, shadowName: string | null, state: ShadowStateChange, version?: number): Promise<object>;
}
