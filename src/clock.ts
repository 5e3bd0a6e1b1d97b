/** The one source of "now": injectable so tests can move time (sinon fake timers fake `Date`, which this reads). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
