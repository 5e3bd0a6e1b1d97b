import { CardFactory, MessageFactory, type Activity, type CloudAdapter, type ConversationReference } from "botbuilder";
import type { Clock } from "../clock";
import { dateInZone } from "../domain/dates";
import { calendarOf } from "../domain/organisation";
import { toLocale, type Locale } from "../i18n";
import type { Logger } from "../log";
import type { Store } from "../store";
import type { OutboxMessage } from "../store/outbox";
import { escalationCard, followUpCard } from "./cards";
import { loadCaseView } from "./caseView";

export interface DrainResult {
  sent: number;
  retried: number;
  undeliverable: number;
  waitingForConversation: number;
}

const CLAIM_MS = 2 * 60 * 1000;
const NO_CONVERSATION_RETRY_MS = 5 * 60 * 1000;
const MAX_ATTEMPTS = 12;

/** Teams answers 403 when the user blocked or uninstalled the app, 404 when the conversation is gone: final. */
function isPermanent(status: number | undefined): boolean {
  return status === 403 || status === 404;
}

function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: { get?(name: string): string | undefined } } }).response?.headers;
  const value = headers?.get?.("retry-after");
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Exponential backoff with jitter: about 10 s, 20 s, 40 s ... at most an hour. */
function backoffMs(attempts: number): number {
  const base = Math.min(10_000 * 2 ** attempts, 3_600_000);
  return base / 2 + Math.random() * (base / 2);
}

/**
 * The one place that sends to Teams. It takes due messages from the outbox, claims each (so that no other sender
 * sends it too), renders the card for the case as it is now, sends it to the recipient's stored 1:1
 * conversation, and records the outcome.
 */
export class OutboxSender {
  private draining: Promise<DrainResult> | undefined;

  constructor(
    private readonly deps: { store: Store; adapter: CloudAdapter; botAppId: string; clock: Clock; logger: Logger; defaultLocale: Locale },
  ) {}

  /** Sends what is due; a call while a drain is running joins it instead of starting another. */
  drain(): Promise<DrainResult> {
    if (!this.draining) {
      this.draining = this.drainOnce().finally(() => {
        this.draining = undefined;
      });
    }
    return this.draining;
  }

  private async drainOnce(): Promise<DrainResult> {
    const { store, clock } = this.deps;
    const result: DrainResult = { sent: 0, retried: 0, undeliverable: 0, waitingForConversation: 0 };
    for (const due of await store.outbox.listDue(clock.now())) {
      const claimed = await store.outbox.claim(due, clock.now(), CLAIM_MS);
      if (claimed) await this.deliver(claimed, result);
    }
    return result;
  }

  private async deliver(message: OutboxMessage, result: DrainResult): Promise<void> {
    const { store, adapter, botAppId, clock, logger } = this.deps;
    const conversation = await store.conversations.get(message.recipientId);
    if (!conversation) {
      result.waitingForConversation += 1;
      await store.outbox.retryLater(message, new Date(clock.now().getTime() + NO_CONVERSATION_RETRY_MS), "no-conversation", false);
      return;
    }
    const activity = await this.render(message, toLocale(conversation.locale ?? this.deps.defaultLocale));
    if (!activity) {
      result.undeliverable += 1;
      await store.outbox.markUndeliverable(message, "case-not-found");
      logger.warn({ messageId: message.id, caseId: message.caseId }, "outbox message dropped: its case is gone");
      return;
    }
    try {
      let activityId: string | undefined;
      await adapter.continueConversationAsync(botAppId, conversation.reference as Partial<ConversationReference>, async (context) => {
        activityId = (await context.sendActivity(activity))?.id;
      });
      await store.outbox.markSent(message, clock.now(), activityId);
      result.sent += 1;
      logger.info({ messageId: message.id, caseId: message.caseId, kind: message.kind }, "message sent");
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      const reason = `${status ?? "error"}: ${(error as Error).message}`.slice(0, 500);
      if (isPermanent(status) || message.attempts + 1 >= MAX_ATTEMPTS) {
        result.undeliverable += 1;
        await store.outbox.markUndeliverable(message, reason);
        logger.warn({ messageId: message.id, caseId: message.caseId, status }, "message undeliverable");
        return;
      }
      result.retried += 1;
      const wait = retryAfterMs(error) ?? backoffMs(message.attempts);
      await store.outbox.retryLater(message, new Date(clock.now().getTime() + wait), reason);
      logger.warn({ messageId: message.id, caseId: message.caseId, status, retryInMs: Math.round(wait) }, "message send failed, will retry");
    }
  }

  private async render(message: OutboxMessage, locale: Locale): Promise<Partial<Activity> | undefined> {
    const { store, clock } = this.deps;
    const stored = await store.cases.get(message.schoolId, message.caseId);
    const view = stored && (await loadCaseView(store, stored, locale));
    if (!view) return undefined;
    if (message.kind !== "case-escalated") return MessageFactory.attachment(CardFactory.adaptiveCard(followUpCard(view)));
    const today = dateInZone(clock.now(), view.timeZone);
    const since = calendarOf(view.school).schoolDaysBetween(view.absenceCase.openedOn, today);
    return MessageFactory.attachment(CardFactory.adaptiveCard(escalationCard(view, since)));
  }
}
