import { randomUUID } from "node:crypto";
import type { Clock } from "../clock";
import type { Logger } from "../log";
import type { Store } from "../store";
import type { OutboxSender } from "./outboxSender";

/** How often an instance says it is alive, and how long that counts: a killed instance drops out within the latter. */
export const HEARTBEAT_MS = 10_000;
const ALIVE_FOR_MS = 30_000;

export interface RateShare {
  instanceId: string;
  stop(): Promise<void>;
}

/**
 * Teams' limits are for the app in the tenant, whatever the number of instances sending: each instance keeps a
 * heartbeat in storage and takes its turn of the rate among the instances alive (`rate / instances` each).
 * Resolves once the first count is known, so that a new instance never starts at the whole rate.
 */
export async function shareRateWithOtherInstances(deps: { store: Store; sender: OutboxSender; clock: Clock; logger: Logger }): Promise<RateShare> {
  const { store, sender, clock, logger } = deps;
  const instanceId = randomUUID();
  let alive = 1;
  const beat = async () => {
    const turn = await store.instances.beat(instanceId, clock.now(), ALIVE_FOR_MS);
    const count = Math.max(1, turn.alive);
    if (count !== alive) logger.info({ instances: count }, "instances sending to Teams changed: this one sends its share");
    alive = count;
    sender.shareRateWith(count, turn.index);
  };
  // Storage away at start: this instance counts as one until the next beat works.
  await beat().catch((error: unknown) => logger.warn({ err: { message: (error as Error).message } }, "instance heartbeat failed"));
  const timer = setInterval(() => {
    beat().catch((error: unknown) => logger.warn({ err: { message: (error as Error).message } }, "instance heartbeat failed"));
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    instanceId,
    stop: async () => {
      clearInterval(timer);
      await store.instances.leave(instanceId).catch(() => undefined);
    },
  };
}
