import { odata } from "@azure/data-tables";
import type { NoticeKind } from "../domain/cases";

/** Case notices, and messages about no single case: the leaders' digests and alerts to the coordinators. */
export type MessageKind = NoticeKind | "digest" | "coordinator-alert" | "run-summary";
import type { DeliveryQueue } from "./deliveryQueue";
import { deleteInBatches, isConflict, isNotFound, isPreconditionFailed, keyOf, type Storage } from "./storage";

export type OutboxStatus = "pending" | "sending" | "sent" | "undeliverable";

/** One message to send: what it is about and to whom. How it looks is decided by the Teams edge at send time. */
export interface OutboxMessage {
  id: string;
  kind: MessageKind;
  /** The case the message is about, or for a digest or an alert, what it covers (e.g. `daily|2026-11-23`). */
  subject: string;
  /** The task of the case (its serial), or 0. */
  serial: number;
  schoolId: string;
  /** An Entra object id, or for a referral the school's resource-team channel. */
  recipientId: string;
  /** Pages of a paged message already delivered, so that a retry continues where it stopped. */
  pagesSent: number;
  status: OutboxStatus;
  attempts: number;
  notBefore: string;
  createdAt: string;
  claimedUntil?: string | undefined;
  sentAt?: string | undefined;
  activityId?: string | undefined;
  lastError?: string | undefined;
  queuedAt?: string | undefined;
  etag: string;
}

interface OutboxEntity {
  partitionKey: string;
  rowKey: string;
  etag?: string;
  kind: string;
  subject: string;
  serial: number;
  schoolId: string;
  pagesSent?: number;
  recipientId: string;
  status: string;
  attempts: number;
  notBefore: string;
  createdAt: string;
  claimedUntil?: string;
  sentAt?: string;
  activityId?: string;
  lastError?: string;
  /** When the sweeper last put the message in the delivery queue again. */
  queuedAt?: string;
}

const PARTITION = "message";

export function outboxId(subject: string, kind: MessageKind, serial: number, recipientId: string): string {
  return `${keyOf(subject)}|${kind}-${serial}|${keyOf(recipientId)}`;
}

function fromEntity(entity: OutboxEntity): OutboxMessage {
  return {
    id: entity.rowKey,
    kind: entity.kind as MessageKind,
    subject: entity.subject,
    serial: entity.serial,
    pagesSent: entity.pagesSent ?? 0,
    schoolId: entity.schoolId,
    recipientId: entity.recipientId,
    status: entity.status as OutboxStatus,
    attempts: entity.attempts,
    notBefore: entity.notBefore,
    createdAt: entity.createdAt,
    claimedUntil: entity.claimedUntil || undefined,
    sentAt: entity.sentAt || undefined,
    activityId: entity.activityId || undefined,
    lastError: entity.lastError || undefined,
    queuedAt: entity.queuedAt || undefined,
    etag: entity.etag ?? "*",
  };
}

/**
 * The durable outbox. A message is written once (its id is derived from case, kind and recipient, so writing it
 * again is a no-op), claimed by one sender at a time with an optimistic lock, and marked sent after delivery.
 * With a delivery queue, each new message is also put in the queue, which hands the work out to every instance.
 */
export class Outbox {
  constructor(
    private readonly storage: Storage,
    /** Set when the messages are handed out through a Storage queue; without it, senders poll the table. */
    readonly queue?: DeliveryQueue,
  ) {}

  private get table() {
    return this.storage.table("outbox");
  }

  /** Adds the message unless it is there already; true when it was added. */
  async enqueue(message: { kind: MessageKind; subject: string; serial: number; schoolId: string; recipientId: string; notBefore?: string | undefined }, now: Date): Promise<boolean> {
    const entity: OutboxEntity = {
      partitionKey: PARTITION,
      rowKey: outboxId(message.subject, message.kind, message.serial, message.recipientId),
      kind: message.kind,
      subject: message.subject,
      serial: message.serial,
      schoolId: message.schoolId,
      recipientId: message.recipientId,
      status: "pending",
      attempts: 0,
      pagesSent: 0,
      notBefore: message.notBefore && message.notBefore > now.toISOString() ? message.notBefore : now.toISOString(),
      createdAt: now.toISOString(),
    };
    try {
      await this.table.createEntity(entity);
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
    // A crash right here leaves the message in the table only: the sweeper puts it in the queue later.
    await this.queue?.put(entity.rowKey, new Date(entity.notBefore), now);
    return true;
  }

  async get(id: string): Promise<OutboxMessage | undefined> {
    try {
      return fromEntity(await this.table.getEntity<OutboxEntity>(PARTITION, id));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Puts back in the delivery queue the messages that have waited too long (due for `graceMs` and not put back
   * within it, or claimed by a sender that stopped): their queue message was lost between the table write and the
   * queue, or taken by an instance that died. Marking them first lets one instance of several put each back.
   * They are handed out from `visibleAt` (now by default).
   */
  async requeueOverdue(now: Date, graceMs: number, visibleAt: Date = now): Promise<number> {
    if (!this.queue) return 0;
    const before = new Date(now.getTime() - graceMs).toISOString();
    const queue = this.queue;
    const overdue = (await this.listDue(new Date(now.getTime() - graceMs))).filter((message) => !message.queuedAt || message.queuedAt <= before);
    let requeued = 0;
    // Many at once after an outage: a few in flight, not one after the other.
    for (let start = 0; start < overdue.length; start += 16) {
      await Promise.all(
        overdue.slice(start, start + 16).map(async (message) => {
          if (!(await this.change(message, { queuedAt: now.toISOString() }))) return;
          await queue.put(message.id, visibleAt, now);
          requeued += 1;
        }),
      );
    }
    return requeued;
  }

  /** Messages that may be sent now: pending and due, or claimed by a sender that has not finished in time. */
  async listDue(now: Date): Promise<OutboxMessage[]> {
    const at = now.toISOString();
    const isDue = (message: OutboxMessage) =>
      (message.status === "pending" && message.notBefore <= at) || (message.status === "sending" && (message.claimedUntil ?? "") < at);
    const due: OutboxMessage[] = [];
    // Azurite sometimes ignores a filter (seen in tests): every message is checked again here.
    for (const filter of [odata`status eq ${"pending"} and notBefore le ${at}`, odata`status eq ${"sending"} and claimedUntil lt ${at}`]) {
      for await (const entity of this.table.listEntities<OutboxEntity>({ queryOptions: { filter } })) {
        const message = fromEntity(entity);
        if (isDue(message)) due.push(message);
      }
    }
    return due.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The messages of one kind due at or after `from`, sent or not: what is already planned for a day. */
  async listKindFrom(kind: MessageKind, from: Date): Promise<OutboxMessage[]> {
    const at = from.toISOString();
    const found: OutboxMessage[] = [];
    for await (const entity of this.table.listEntities<OutboxEntity>({ queryOptions: { filter: odata`kind eq ${kind} and notBefore ge ${at}` } })) {
      if (entity.kind === kind && entity.notBefore >= at) found.push(fromEntity(entity));
    }
    return found;
  }

  /** One recipient's messages that may be sent now (pending and due): to go out together with one being sent. */
  async listDueFor(recipientId: string, now: Date): Promise<OutboxMessage[]> {
    const at = now.toISOString();
    const due: OutboxMessage[] = [];
    for await (const entity of this.table.listEntities<OutboxEntity>({ queryOptions: { filter: odata`recipientId eq ${recipientId} and status eq ${"pending"} and notBefore le ${at}` } })) {
      if (entity.recipientId === recipientId && entity.status === "pending" && entity.notBefore <= at) due.push(fromEntity(entity));
    }
    return due;
  }

  async list(): Promise<OutboxMessage[]> {
    const all: OutboxMessage[] = [];
    for await (const entity of this.table.listEntities<OutboxEntity>()) all.push(fromEntity(entity));
    return all;
  }

  /** Deletes the messages about these subjects (cases), sent or not, in one pass: for erasure and retention. */
  async deleteSubjects(subjects: ReadonlySet<string>): Promise<number> {
    if (subjects.size === 0) return 0;
    const about = (subject: string) => subjects.has(subject) || subject.split(":").some((part) => subjects.has(part));
    const doomed = (await this.list()).filter((message) => about(message.subject));
    await deleteInBatches(this.table, doomed.map((message) => ({ partitionKey: PARTITION, rowKey: message.id })));
    return doomed.length;
  }

  private async change(message: OutboxMessage, fields: Partial<OutboxEntity>): Promise<OutboxMessage | undefined> {
    try {
      const response = await this.table.updateEntity(
        { partitionKey: PARTITION, rowKey: message.id, ...fields },
        "Merge",
        { etag: message.etag },
      );
      return { ...message, ...(fields as Partial<OutboxMessage>), etag: response.etag ?? "*" };
    } catch (error) {
      if (isPreconditionFailed(error)) return undefined;
      throw error;
    }
  }

  /** Takes the message for sending; undefined when another sender took it first. */
  claim(message: OutboxMessage, now: Date, forMs: number): Promise<OutboxMessage | undefined> {
    return this.change(message, { status: "sending", claimedUntil: new Date(now.getTime() + forMs).toISOString() });
  }

  markSent(message: OutboxMessage, now: Date, activityId: string | undefined): Promise<OutboxMessage | undefined> {
    return this.change(message, { status: "sent", sentAt: now.toISOString(), activityId: activityId ?? "", attempts: message.attempts + 1 });
  }

  retryLater(message: OutboxMessage, notBefore: Date, reason: string, countAttempt = true): Promise<OutboxMessage | undefined> {
    return this.change(message, {
      status: "pending",
      notBefore: notBefore.toISOString(),
      lastError: reason,
      attempts: message.attempts + (countAttempt ? 1 : 0),
    });
  }

  /** Records that the first `pagesSent` pages of a paged message are delivered. */
  markPagesSent(message: OutboxMessage, pagesSent: number): Promise<OutboxMessage | undefined> {
    return this.change(message, { pagesSent });
  }

  markUndeliverable(message: OutboxMessage, reason: string): Promise<OutboxMessage | undefined> {
    return this.change(message, { status: "undeliverable", lastError: reason, attempts: message.attempts + 1 });
  }

  /** A recipient just became reachable: their waiting messages are due now. */
  async wakeRecipient(recipientId: string, now: Date): Promise<void> {
    const filter = odata`status eq ${"pending"} and recipientId eq ${recipientId}`;
    for await (const entity of this.table.listEntities<OutboxEntity>({ queryOptions: { filter } })) {
      if (entity.status !== "pending" || entity.recipientId !== recipientId) continue;
      // The queue message waits for the old time: another one, due now, goes in (the first is harmless then).
      if (await this.change(fromEntity(entity), { notBefore: now.toISOString() })) await this.queue?.put(entity.rowKey, now, now);
    }
  }
}
