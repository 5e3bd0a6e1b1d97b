import { QueueClient } from "@azure/storage-queue";

/** The longest a queue message can stay hidden; a message due later is looked at again then, and hidden again. */
const MAX_HIDDEN_SECONDS = 7 * 24 * 60 * 60;

/** A message of the delivery queue: which outbox message to look at, and how to settle it. */
export interface Delivery {
  outboxId: string;
  messageId: string;
  popReceipt: string;
  /** How often the queue has handed it out (a message that keeps coming back is looked at like any other). */
  dequeueCount: number;
}

/** A message removed, or handed out again since (its pop receipt changed): no longer the caller's to settle. */
function isGone(error: unknown): boolean {
  const { statusCode, code } = error as { statusCode?: number; code?: string };
  return statusCode === 404 || (statusCode === 400 && code === "PopReceiptMismatch");
}

function secondsUntil(at: Date, now: Date): number {
  return Math.min(MAX_HIDDEN_SECONDS, Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000)));
}

/**
 * A Storage queue that hands the outbox's work out to every instance of the bot. It carries only outbox ids: the
 * outbox table stays the record of what is sent, and its claim (an etag) stays the guard against sending twice,
 * so a message in the queue twice, or one the queue lost, is harmless (the sweeper puts a lost one back).
 */
export class DeliveryQueue {
  private readonly client: QueueClient;
  private ready: Promise<void> | undefined;

  constructor(connectionString: string, name: string) {
    this.client = new QueueClient(connectionString, name);
  }

  private ensure(): Promise<void> {
    this.ready ??= this.client.createIfNotExists().then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }

  /** Puts the outbox message in the queue, to be handed out from `visibleAt` (at most 7 days ahead). */
  async put(outboxId: string, visibleAt: Date, now: Date): Promise<void> {
    await this.ensure();
    await this.client.sendMessage(Buffer.from(outboxId).toString("base64"), { visibilityTimeout: secondsUntil(visibleAt, now), messageTimeToLive: -1 });
  }

  /** Takes up to `max` (32 at most) messages, hidden from everyone else for `hideSeconds`. */
  async take(max: number, hideSeconds: number): Promise<Delivery[]> {
    await this.ensure();
    const response = await this.client.receiveMessages({ numberOfMessages: Math.max(1, Math.min(32, max)), visibilityTimeout: Math.max(1, Math.ceil(hideSeconds)) });
    return response.receivedMessageItems.map((item) => ({
      outboxId: Buffer.from(item.messageText, "base64").toString(),
      messageId: item.messageId,
      popReceipt: item.popReceipt,
      dequeueCount: item.dequeueCount,
    }));
  }

  /** Done with it. A message handed out again meanwhile (its pop receipt changed) is left to the one who has it. */
  async remove(delivery: Delivery): Promise<void> {
    try {
      await this.client.deleteMessage(delivery.messageId, delivery.popReceipt);
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }

  /** Hides the message until `at` (a retry, a message not yet due, one another sender is busy with). */
  async hideUntil(delivery: Delivery, at: Date, now: Date): Promise<void> {
    try {
      await this.client.updateMessage(delivery.messageId, delivery.popReceipt, undefined, secondsUntil(at, now));
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }
}
