/** Where "now" comes from, wherever a timeout, expiry or window is computed: tests move it. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
