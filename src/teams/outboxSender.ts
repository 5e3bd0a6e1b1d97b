import { CardFactory, MessageFactory, TurnContext, type Activity, type CloudAdapter, type ConversationReference } from "botbuilder";
import type { Clock } from "../clock";
import { dateInZone } from "../domain/dates";
import { calendarOf, findSchool } from "../domain/organisation";
import { formatDate, toLocale, translator, type Locale } from "../i18n";
import type { Logger } from "../log";
import type { Store } from "../store";
import type { Delivery, DeliveryQueue } from "../store/deliveryQueue";
import type { OutboxMessage } from "../store/outbox";
import { alertCard, escalationCard, referralCard, taskCard, textCard, unreachableCard, type AdaptiveCard } from "./cards";
import { pausedSchools } from "./commands/settings";
import { summaryText } from "../jobs/summaryText";
import type { NightlySummary } from "../jobs/nightly";
import { BUNDLE_FROM, bundleCard, BUNDLED_KINDS, deferredFor, loadBundleItems } from "./bundle";
import { loadCaseView } from "./caseView";
import { renderDigest } from "./digest";
import { SendRate } from "./sendRate";

export interface DrainResult {
  sent: number;
  retried: number;
  undeliverable: number;
  skipped: number;
  waitingForConversation: number;
}

export interface SenderOptions {
  store: Store;
  adapter: CloudAdapter;
  botAppId: string;
  clock: Clock;
  logger: Logger;
  defaultLocale: Locale;
  /** Where to create conversations and reach channels (e.g. https://smba.trafficmanager.net/emea/); none in local mode. */
  serviceUrl?: string | undefined;
  tenantId?: string | undefined;
  /** Requests per second to Teams for this app and tenant (Teams allows about 30), shared by all instances. */
  ratePerSecond?: number;
  /** How long one send may take before it counts as failed and is retried later (a Teams that hangs). */
  sendTimeoutMs?: number;
  /** How long a claimed message is reserved for this sender (default two minutes). */
  claimMs?: number;
}

/** A send that took too long: retried later like a server error; it may still arrive (at least once). */
class SendTimeout extends Error {}

/** How long a message being sent is reserved for its sender; after a crash, another sender takes it after this. */
const CLAIM_MS = 2 * 60 * 1000;
const NO_CONVERSATION_RETRY_MS = 5 * 60 * 1000;
/** With a delivery queue: messages of a paused school are looked at again after this. */
const PAUSED_RECHECK_MS = 60 * 1000;
/** With a delivery queue: how many messages one instance has under way at once (their sends still take turns). */
const QUEUE_CONCURRENCY = 4;
/** With a delivery queue: the most often the outbox table is swept for messages the queue lost. */
const SWEEP_EVERY_MS = 60 * 1000;
/** Rejected rows shown of each file in the run-summary card (a card stays under Teams' size limit); the rest are counted. */
const RUN_SUMMARY_ROWS_LISTED = 40;
const MAX_ATTEMPTS = 12;
/** Teams asks to retry these (throttled, precondition, gateway); anything else that fails is not retried. */
// 401: the bot's own credentials were refused (a secret rotated, a wrong app id): fixable, and not the recipient's fault.
const RETRYABLE = new Set([401, 408, 412, 429, 500, 502, 503, 504]);
/** Only these say the recipient cannot be reached: the app was blocked or uninstalled, or the chat is gone. */
const RECIPIENT_GONE = new Set([403, 404]);

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

function retryAfterMs(error: unknown, now: Date): number | undefined {
  const headers = (error as { response?: { headers?: { get?(name: string): string | null | undefined } } }).response?.headers;
  const value = headers?.get?.("retry-after");
  if (value === undefined || value === null || value === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** Exponential backoff with jitter: about 2 s, 4 s, 8 s ... at most an hour. */
function backoffMs(attempts: number): number {
  const base = Math.min(2_000 * 2 ** attempts, 3_600_000);
  return base / 2 + Math.random() * (base / 2);
}

type Outcome = "sent" | "retried" | "undeliverable" | "skipped" | "waiting";

function tally(total: DrainResult, outcome: Outcome): void {
  if (outcome === "sent") total.sent += 1;
  else if (outcome === "retried") total.retried += 1;
  else if (outcome === "undeliverable") total.undeliverable += 1;
  else if (outcome === "skipped") total.skipped += 1;
  else total.waitingForConversation += 1;
}

/** Runs `work` over the items, `concurrency` at a time. */
async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

class PermanentFailure extends Error {
  constructor(readonly status: number | undefined, message: string) {
    super(message);
  }
}

/**
 * The one place that sends to Teams. It takes due messages from the outbox, claims each (so that no other sender
 * sends it too), renders the card for the case as it is now, sends it to the recipient's 1:1 conversation (or
 * the resource team's channel) within Teams' rate limits, and records the outcome. Throttling and server errors
 * are retried with backoff honouring Retry-After; a refusal (403) or a gone conversation (404) is final for that
 * recipient: the coordinators are told, and a case goes to the school's leaders instead of nowhere.
 *
 * With a delivery queue (several instances), the sender takes its work from the queue instead of scanning the
 * outbox table; the claim is the same, so a message the queue hands out twice is sent once. Each instance takes
 * its turn of the rate (`shareRateWith`).
 */
export class OutboxSender {
  private draining: Promise<DrainResult> | undefined;
  private again = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private lastSweep = -Infinity;
  /** Stopping: with the delivery queue, the batch under way is finished and no more taken (the others send them). */
  private stopped = false;
  private readonly rate: SendRate;

  constructor(private readonly options: SenderOptions) {
    this.rate = new SendRate({ perSecond: options.ratePerSecond ?? 25, perConversationPerSecond: 7 });
  }

  /** Sends what is due; a call while a drain is running makes that drain go round once more. */
  drain(): Promise<DrainResult> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = this.drainUntilQuiet().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  stop(): void {
    this.stopped = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
  }

  /** How many instances send to this tenant now, and this one's place among them: it takes its turn of the rate. */
  shareRateWith(instances: number, index = 0): void {
    this.rate.share(instances, index);
  }

  private get claimMs(): number {
    return this.options.claimMs ?? CLAIM_MS;
  }

  private async drainUntilQuiet(): Promise<DrainResult> {
    const queue = this.options.store.outbox.queue;
    if (queue) return this.drainQueue(queue);
    const total: DrainResult = { sent: 0, retried: 0, undeliverable: 0, skipped: 0, waitingForConversation: 0 };
    do {
      this.again = false;
      const { store, clock } = this.options;
      const paused = await pausedSchools(store, await store.organisation.get());
      for (const due of await store.outbox.listDue(clock.now())) {
        // Paused (e.g. an exam week): messages about the school wait; digests and alerts still go.
        if (paused.has(due.schoolId) && due.kind !== "coordinator-alert" && due.kind !== "run-summary") continue;
        const claimed = await store.outbox.claim(due, clock.now(), this.claimMs);
        if (!claimed) continue;
        tally(total, (await this.deliver(claimed)).outcome);
      }
    } while (this.again);
    if (total.retried > 0) await this.wakeForRetries();
    return total;
  }

  /** Takes batches from the delivery queue until it has nothing visible, and now and then sweeps for lost ones. */
  private async drainQueue(queue: DeliveryQueue): Promise<DrainResult> {
    const total: DrainResult = { sent: 0, retried: 0, undeliverable: 0, skipped: 0, waitingForConversation: 0 };
    const { store, clock, logger } = this.options;
    // A message the queue lost is put back once it is overdue by twice the claim, and looked for at most once a minute.
    const graceMs = 2 * this.claimMs;
    if (performance.now() - this.lastSweep >= Math.min(SWEEP_EVERY_MS, graceMs)) {
      this.lastSweep = performance.now();
      const requeued = await store.outbox.requeueOverdue(clock.now(), graceMs);
      if (requeued > 0) logger.warn({ requeued }, "overdue outbox messages put in the delivery queue again");
    }
    do {
      this.again = false;
      while (!this.stopped) {
        const batch = await queue.take(32, this.claimMs / 1000);
        if (batch.length === 0) break;
        const paused = await pausedSchools(store, await store.organisation.get());
        // One recipient's messages one after the other: the first goes out with the others bundled in (a teacher
        // gets one card), and the rest are then found sent.
        const byRecipient = new Map<string, Delivery[]>();
        for (const delivery of batch) {
          const recipient = delivery.outboxId.slice(delivery.outboxId.lastIndexOf("|") + 1);
          byRecipient.set(recipient, [...(byRecipient.get(recipient) ?? []), delivery]);
        }
        await inParallel([...byRecipient.values()], QUEUE_CONCURRENCY, async (deliveries) => {
          for (const delivery of deliveries) {
            try {
              const outcome = await this.deliverQueued(queue, delivery, paused);
              if (outcome) tally(total, outcome);
            } catch (error) {
              // The storage failed us for this one: the queue hands it out again when its time is up.
              logger.error({ err: { message: (error as Error).message } }, "a queued message could not be handled");
            }
          }
        });
      }
    } while (this.again && !this.stopped);
    return total;
  }

  /** One message handed out by the queue: sent, or hidden until it is due; the queue message goes once it is final. */
  private async deliverQueued(queue: DeliveryQueue, delivery: Delivery, paused: ReadonlySet<string>): Promise<Outcome | undefined> {
    const { store, clock } = this.options;
    const now = clock.now();
    const at = now.toISOString();
    const message = await store.outbox.get(delivery.outboxId);
    // Gone (erased), or already final: a duplicate in the queue.
    if (!message || message.status === "sent" || message.status === "undeliverable") {
      await queue.remove(delivery);
      return undefined;
    }
    if (message.status === "pending" && message.notBefore > at) {
      await queue.hideUntil(delivery, new Date(message.notBefore), now);
      return undefined;
    }
    // Another sender is at it: look again once its claim has run out (it may have died).
    if (message.status === "sending" && (message.claimedUntil ?? "") >= at) {
      await queue.hideUntil(delivery, new Date(Date.parse(message.claimedUntil ?? at) + 1000), now);
      return undefined;
    }
    if (paused.has(message.schoolId) && message.kind !== "coordinator-alert" && message.kind !== "run-summary") {
      await queue.hideUntil(delivery, new Date(now.getTime() + PAUSED_RECHECK_MS), now);
      return undefined;
    }
    const claimed = await store.outbox.claim(message, now, this.claimMs);
    if (!claimed) {
      // Changed by someone else just now: look again in a moment.
      await queue.hideUntil(delivery, new Date(now.getTime() + 1000), now);
      return undefined;
    }
    const { outcome, retryAt } = await this.deliver(claimed);
    if (retryAt) {
      await queue.hideUntil(delivery, retryAt, clock.now());
      if (outcome === "retried") this.wakeFor(retryAt);
    } else {
      await queue.remove(delivery);
    }
    return outcome;
  }

  /** A retry due within the minute is drained then, not at the next poll. */
  private wakeFor(at: Date): void {
    const delay = Math.max(0, at.getTime() - this.options.clock.now().getTime());
    if (delay > 60_000 || at.getTime() >= this.wakeAt) return;
    this.wakeAt = at.getTime();
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => {
      this.wakeAt = Infinity;
      this.drain().catch((error: unknown) => this.options.logger.error({ err: { message: (error as Error).message } }, "outbox drain failed"));
    }, delay + 10);
    this.wakeTimer.unref();
  }

  /** A retry due soon (Retry-After of a few seconds) should not wait for the next poll. */
  private async wakeForRetries(): Promise<void> {
    const { store, clock } = this.options;
    const pending = (await store.outbox.list()).filter((message) => message.status === "pending" && message.lastError && message.lastError !== "no-conversation");
    const next = pending.map((message) => Date.parse(message.notBefore)).sort((a, b) => a - b)[0];
    if (next === undefined) return;
    const delay = Math.max(0, next - clock.now().getTime());
    if (delay > 60_000) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => {
      this.drain().catch((error: unknown) => this.options.logger.error({ err: { message: (error as Error).message } }, "outbox drain failed"));
    }, delay + 10);
    this.wakeTimer.unref();
  }

  /** Sends one claimed message and records the outcome; `retryAt` when it waits in the outbox for another try. */
  private async deliver(message: OutboxMessage): Promise<{ outcome: Outcome; retryAt?: Date }> {
    const { store, clock, logger } = this.options;
    let companions: OutboxMessage[] = [];
    try {
      const target = await this.target(message);
      if (target === "wait") {
        const retryAt = new Date(clock.now().getTime() + NO_CONVERSATION_RETRY_MS);
        await store.outbox.retryLater(message, retryAt, "no-conversation", false);
        return { outcome: "waiting", retryAt };
      }
      // Several cards for one teacher due at once go out as one card: the others are claimed with this one.
      companions = BUNDLED_KINDS.has(message.kind) && target.userId ? await this.claimCompanions(message) : [];
      const pages = companions.length > 0 ? await this.renderBundle([message, ...companions], target.locale) : await this.render(message, target.locale);
      if (!pages) {
        await store.outbox.markUndeliverable(message, "obsolete: the case has moved on or is gone");
        for (const companion of companions) await store.outbox.markUndeliverable(companion, "obsolete: the case has moved on or is gone");
        return { outcome: "skipped" };
      }
      let progress = message;
      let activityId: string | undefined;
      for (let page = message.pagesSent; page < pages.length; page += 1) {
        const activity = MessageFactory.attachment(CardFactory.adaptiveCard(pages[page] as AdaptiveCard));
        activityId = await this.send(target.reference, activity, target.userId);
        if (pages.length > 1) progress = (await store.outbox.markPagesSent(progress, page + 1)) ?? progress;
      }
      await store.outbox.markSent(progress, clock.now(), activityId);
      for (const companion of companions) await store.outbox.markSent(companion, clock.now(), activityId);
      logger.info({ messageId: message.id, kind: message.kind, pages: pages.length, bundled: companions.length }, "message sent");
      return { outcome: "sent" };
    } catch (error) {
      // The companions share the fate of the card they were to go out in.
      for (const companion of companions) await this.failCompanion(companion, error);
      const status = error instanceof PermanentFailure ? error.status : statusOf(error);
      const reason = `${status ?? "error"}: ${(error as Error).message}`.slice(0, 300);
      const retryable = !(error instanceof PermanentFailure) && (status === undefined || RETRYABLE.has(status));
      if (!retryable || message.attempts + 1 >= MAX_ATTEMPTS) {
        await store.outbox.markUndeliverable(message, reason);
        logger.warn({ messageId: message.id, kind: message.kind, status }, "message undeliverable");
        if (status !== undefined && RECIPIENT_GONE.has(status)) await this.recipientUnreachable(message, status);
        else await this.deliveryGivenUp(message, status);
        return { outcome: "undeliverable" };
      }
      const wait = retryAfterMs(error, clock.now()) ?? backoffMs(message.attempts);
      const retryAt = new Date(clock.now().getTime() + wait);
      await store.outbox.retryLater(message, retryAt, reason);
      logger.warn({ messageId: message.id, kind: message.kind, status, retryInMs: Math.round(wait) }, "message send failed, will retry");
      return { outcome: "retried", retryAt };
    }
  }

  /** The recipient's other due cards that ask for an answer, claimed for sending together with `message`. */
  private async claimCompanions(message: OutboxMessage): Promise<OutboxMessage[]> {
    const { store, clock } = this.options;
    const paused = await pausedSchools(store, await store.organisation.get());
    const others = (await store.outbox.listDueFor(message.recipientId, clock.now())).filter(
      (other) => other.id !== message.id && BUNDLED_KINDS.has(other.kind) && !paused.has(other.schoolId),
    );
    if (new Set([message.subject, ...others.map((other) => other.subject)]).size < BUNDLE_FROM) return [];
    const claimed: OutboxMessage[] = [];
    for (const other of others) {
      const taken = await store.outbox.claim(other, clock.now(), this.options.claimMs ?? CLAIM_MS);
      if (taken) claimed.push(taken);
    }
    return claimed;
  }

  /** One card listing the cases, most severe first; a single case left (the others moved on) gets its own card. */
  private async renderBundle(messages: OutboxMessage[], locale: Locale): Promise<AdaptiveCard[] | undefined> {
    const { store, clock } = this.options;
    const items = await loadBundleItems(store, messages, locale, clock.now());
    const [only] = items;
    if (items.length === 0) return undefined;
    if (items.length === 1 && only) return [taskCard(only.view, only.kind)];
    return [bundleCard(items, locale, await deferredFor(store, messages[0]?.recipientId ?? "", clock.now()))];
  }

  /** A bundled card that failed: its companions are retried with it, or given up with it (and their cases told to the leaders). */
  private async failCompanion(companion: OutboxMessage, error: unknown): Promise<void> {
    const { store, clock } = this.options;
    const status = error instanceof PermanentFailure ? error.status : statusOf(error);
    const reason = `${status ?? "error"}: ${(error as Error).message}`.slice(0, 300);
    const retryable = !(error instanceof PermanentFailure) && (status === undefined || RETRYABLE.has(status));
    if (retryable && companion.attempts + 1 < MAX_ATTEMPTS) {
      await store.outbox.retryLater(companion, new Date(clock.now().getTime() + (retryAfterMs(error, clock.now()) ?? backoffMs(companion.attempts))), reason);
      return;
    }
    await store.outbox.markUndeliverable(companion, reason);
    if (status !== undefined && RECIPIENT_GONE.has(status)) await this.recipientUnreachable(companion, status);
  }

  /** Where the message goes, in which language; "wait" when the user has no conversation and none can be made. */
  private async target(message: OutboxMessage): Promise<{ reference: Partial<ConversationReference>; locale: Locale; userId?: string } | "wait"> {
    const { store, botAppId, serviceUrl, tenantId, defaultLocale } = this.options;
    if (message.kind === "referral") {
      if (!serviceUrl) return "wait";
      const kept = await store.organisation.get();
      const organisation = kept && findSchool(kept, message.schoolId) ? kept : await store.organisation.fresh();
      const team = organisation && findSchool(organisation, message.schoolId)?.resourceTeam;
      if (!team) throw new PermanentFailure(undefined, "the school has no resource team channel");
      return {
        locale: defaultLocale,
        reference: {
          channelId: "msteams",
          serviceUrl,
          bot: { id: botAppId, name: "Tidlig" },
          conversation: { id: team.channelId, isGroup: true, conversationType: "channel", tenantId, name: "" },
        },
      };
    }
    const conversation = await store.conversations.get(message.recipientId);
    if (conversation?.unreachable) throw new PermanentFailure(403, `unreachable: ${conversation.unreachable.reason}`);
    const locale = toLocale(conversation?.locale ?? defaultLocale);
    if (conversation) return { reference: conversation.reference as Partial<ConversationReference>, locale, userId: message.recipientId };
    if (!serviceUrl || !tenantId) return "wait";
    return { reference: await this.createConversation(message.recipientId), locale, userId: message.recipientId };
  }

  /** Opens the bot's 1:1 chat with a user who has the app but never wrote to it, and stores it. */
  private async createConversation(userId: string): Promise<Partial<ConversationReference>> {
    const { adapter, botAppId, serviceUrl, tenantId, store, clock } = this.options;
    let reference: Partial<ConversationReference> | undefined;
    await this.rate.take(`create:${userId}`);
    await adapter.createConversationAsync(
      botAppId,
      "msteams",
      serviceUrl as string,
      "",
      { isGroup: false, bot: { id: botAppId, name: "Tidlig" }, members: [{ id: userId, name: "" }], tenantId, channelData: { tenant: { id: tenantId } }, activity: undefined as never },
      async (context) => {
        reference = TurnContext.getConversationReference(context.activity);
      },
    );
    if (!reference) throw new Error("Teams created no conversation");
    await store.conversations.save({ userId, reference: reference as Record<string, unknown>, updatedAt: clock.now().toISOString() });
    return reference;
  }

  private async send(reference: Partial<ConversationReference>, activity: Partial<Activity>, userId: string | undefined): Promise<string | undefined> {
    const { adapter, botAppId } = this.options;
    await this.rate.take(reference.conversation?.id ?? userId ?? "unknown");
    let activityId: string | undefined;
    let failure: unknown;
    // The adapter's turn error handler would swallow a failed send: keep the error and raise it here.
    const sending = adapter.continueConversationAsync(botAppId, reference, async (context) => {
      try {
        activityId = (await context.sendActivity(activity))?.id;
      } catch (error) {
        failure = error;
      }
    });
    let timer: NodeJS.Timeout | undefined;
    const limit = this.options.sendTimeoutMs ?? 30_000;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SendTimeout(`no answer from Teams in ${limit} ms`)), limit);
    });
    try {
      await Promise.race([sending, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    if (failure) throw failure;
    return activityId;
  }

  /** The cards of a message as the case is now; undefined when there is nothing left to say. */
  private async render(message: OutboxMessage, locale: Locale): Promise<AdaptiveCard[] | undefined> {
    const { store, clock } = this.options;
    const t = translator(locale);
    if (message.kind === "digest") return renderDigest(store, message, locale, clock.now());
    if (message.kind === "run-summary") {
      const run = await store.runs.latest();
      return [textCard(t("run.finished"), run ? summaryText(run.summary as unknown as NightlySummary, t, { listed: RUN_SUMMARY_ROWS_LISTED }) : [t("status.none")])];
    }
    if (message.kind === "coordinator-alert" && message.subject.startsWith("missing-feed:")) {
      return [alertCard(t("alert.missingFeed.title"), t("alert.missingFeed.body", { date: formatDate(locale, message.subject.split(":")[1] ?? "") }))];
    }
    if (message.kind === "coordinator-alert" && message.subject.startsWith("stale-feed:")) {
      const [, , lastDate = "", expected = ""] = message.subject.split(":");
      return [alertCard(t("alert.staleFeed.title"), t("alert.staleFeed.body", { lastDate: formatDate(locale, lastDate), expected: formatDate(locale, expected) }))];
    }
    if (message.kind === "coordinator-alert" && message.subject.startsWith("undeliverable:")) {
      const [, date = "", status = ""] = message.subject.split(":");
      return [alertCard(t("alert.undeliverable.title"), t("alert.undeliverable.body", { date: formatDate(locale, date), status }))];
    }
    if (message.kind === "coordinator-alert" && message.subject.startsWith("run-failed:")) {
      const [, date = "", code = "", step = ""] = message.subject.split(":");
      const body = t(code === "deadline" ? "alert.runFailed.deadline" : "alert.runFailed.error", { date: formatDate(locale, date), step: t(`run.step.${step}` as "run.step.start") });
      return [alertCard(t("alert.runFailed.title"), `${body} ${t("alert.runFailed.advice")}`)];
    }
    if (message.kind === "coordinator-alert" && message.subject.startsWith("stale-schools:")) {
      const [, , expected = ""] = message.subject.split(":");
      // The schools are kept by the run that raised the alarm, not in the message's key.
      const alarm = (await store.runs.latest())?.summary.feedAlarm as { kind?: string; schools?: string[] } | undefined;
      const ids = alarm?.kind === "stale-schools" ? (alarm.schools ?? []) : [];
      const names = new Map(((await store.organisation.get())?.schools ?? []).map((school) => [school.id, school.name]));
      const schools = ids.map((id) => names.get(id) ?? id).join(", ");
      return [alertCard(t("alert.staleSchools.title"), t("alert.staleSchools.body", { schools, expected: formatDate(locale, expected) }))];
    }
    if (message.kind === "coordinator-alert") {
      const [, teacherId = "", caseId = ""] = message.subject.split(":");
      const stored = await store.cases.get(message.schoolId, caseId);
      const view = stored && (await loadCaseView(store, stored, locale, clock.now()));
      const conversation = await store.conversations.get(teacherId);
      const reason = conversation?.unreachable?.reason ?? "other";
      if (!view) return undefined;
      return [alertCard(t("alert.unreachable.title"), t("alert.unreachable.body", { teacher: conversation?.name ?? teacherId, group: view.pupil.group, school: view.school.name, reason: t(`reason.${reason}` as "reason.other") }))];
    }
    const stored = await store.cases.get(message.schoolId, message.subject);
    const view = stored && (await loadCaseView(store, stored, locale, clock.now()));
    if (!stored || !view) return undefined;
    const { current } = stored.value;
    switch (message.kind) {
      case "task":
      case "reminder":
      case "last-reminder":
      case "snooze-ended":
        return current?.serial === message.serial ? [taskCard(view, message.kind)] : undefined;
      case "escalation": {
        if (current?.serial !== message.serial) return undefined;
        const since = calendarOf(view.school).schoolDaysBetween(current.openedOn, dateInZone(clock.now(), view.timeZone));
        return [escalationCard(view, current, since)];
      }
      case "teacher-unreachable":
        return stored.value.stage === "closed" ? undefined : [unreachableCard(view)];
      case "referral":
        return [referralCard(view)];
    }
  }

  /**
   * A message was given up for another reason than the recipient (retries exhausted, a request Teams will never
   * take): nothing may be lost silently, so the coordinators are told once a day, with how to find it.
   */
  private async deliveryGivenUp(message: OutboxMessage, status: number | undefined): Promise<void> {
    if (message.kind === "coordinator-alert" || message.kind === "run-summary") return;
    const { store, clock } = this.options;
    const organisation = await store.organisation.get();
    if (!organisation) return;
    const now = clock.now();
    const today = dateInZone(now, organisation.timeZone);
    for (const coordinator of organisation.coordinators) {
      await store.outbox.enqueue({ kind: "coordinator-alert", subject: `undeliverable:${today}:${status ?? "error"}`, serial: 0, schoolId: "", recipientId: coordinator }, now);
    }
    this.again = true;
  }

  /**
   * Teams refused a message for good. The recipient is marked unreachable; the coordinators are told; and when a
   * contact teacher could not get a task, the school's leaders get the case.
   */
  private async recipientUnreachable(message: OutboxMessage, status: number | undefined): Promise<void> {
    if (message.kind === "referral" || message.kind === "digest" || message.kind === "coordinator-alert" || message.kind === "run-summary") return;
    const { store, clock, logger } = this.options;
    const reason = status === 403 ? "blocked" : status === 404 ? "gone" : "other";
    const conversation = await store.conversations.get(message.recipientId);
    if (conversation && !conversation.unreachable) {
      await store.conversations.save({ ...conversation, unreachable: { reason, at: clock.now().toISOString() } });
    }
    const organisation = await store.organisation.get();
    const school = organisation && findSchool(organisation, message.schoolId);
    if (!organisation || !school) return;
    const now = clock.now();
    const today = dateInZone(now, organisation.timeZone);
    for (const coordinator of organisation.coordinators) {
      await store.outbox.enqueue({ kind: "coordinator-alert", subject: `unreachable:${message.recipientId}:${message.subject}:${today}`, serial: 0, schoolId: school.id, recipientId: coordinator }, now);
    }
    if (message.kind === "task" || message.kind === "reminder" || message.kind === "last-reminder" || message.kind === "snooze-ended") {
      for (const leader of school.leaders.filter((id) => id !== message.recipientId)) {
        await store.outbox.enqueue({ kind: "teacher-unreachable", subject: message.subject, serial: message.serial, schoolId: school.id, recipientId: leader }, now);
      }
    }
    logger.warn({ recipientId: message.recipientId, reason }, "recipient unreachable: coordinators told");
    this.again = true;
  }
}
