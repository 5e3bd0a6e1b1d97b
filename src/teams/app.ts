import { CardFactory, TurnContext, type Activity } from "botbuilder";
import { Application, TeamsAdapter, type TurnState } from "@microsoft/teams-ai";
import type { Clock } from "../clock";
import { toLocale, translator, type Locale } from "../i18n";
import type { Logger } from "../log";
import type { Store } from "../store";
import { answerTask } from "./answerTask";
import { z } from "zod";
import { BUNDLE_VERB, LIST_PAGE_VERB, SNOOZE_VERB, TASK_VERB, TASK_VIEW_VERB, textCard, type AdaptiveCard } from "./cards";
import { commandContext, handleCommand, type BotServices } from "./commands";
import { CANCEL_VERB, CONFIRM_VERB, confirmChange } from "./commands/settings";
import { confirmErasure, ERASE_CANCEL_VERB, ERASE_CONFIRM_VERB } from "./commands/pupilData";
import { showTask, snoozeTask } from "./snoozeTask";
import { currentBundle } from "./bundle";
import { showListPage } from "./listPage";
import { admitOnlyPersonalChat, admitSender, conversationTypeOf } from "./admission";

export interface BotDependencies {
  store: Store;
  clock: Clock;
  logger: Logger;
  defaultLocale: Locale;
  /** The municipality's Entra tenant: activities from any other tenant are ignored (and the attempt audited). */
  tenantId?: string | undefined;
  /** The Bot Connector the bot is configured for (BOT_SERVICE_URL): activities that name another are ignored. */
  serviceUrl?: string | undefined;
  /** Called when a user's conversation is stored, so that messages waiting for it can go out. */
  onConversationStored?: (userId: string) => void;
  services?: BotServices;
}

const SettingsChangeSubmitSchema = z.object({
  baseVersion: z.coerce.number().int().min(0),
  change: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("set"), ruleId: z.string().max(60), parameter: z.string().max(60), value: z.unknown(), schoolId: z.string().max(100).optional() }),
    z.object({ kind: z.literal("reset"), ruleId: z.string().max(60), schoolId: z.string().max(100).optional() }),
    z.object({ kind: z.literal("pause"), paused: z.boolean(), schoolId: z.string().max(100).optional() }),
  ]),
});

/** A text answer, shown as written: what a user typed and the bot echoes back never turns into markdown. */
function plainMessage(text: string): Partial<Activity> {
  return { type: "message", text, textFormat: "plain" };
}

/** Stores where a user can be reached: their 1:1 conversation with the bot, keyed by Entra object id. */
async function storeConversation(context: TurnContext, deps: BotDependencies): Promise<void> {
  const { activity } = context;
  const userId = activity.from?.aadObjectId;
  if (!userId || activity.conversation?.conversationType !== "personal") return;
  const existing = await deps.store.conversations.get(userId);
  const reference = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
  await deps.store.conversations.save({ userId, reference, locale: existing?.locale, name: activity.from.name || existing?.name, updatedAt: deps.clock.now().toISOString() });
  // A new (or again reachable) conversation may have messages waiting for it.
  if (!existing || existing.unreachable) {
    deps.logger.info({ userId }, "conversation stored");
    deps.onConversationStored?.(userId);
  }
}

/** The Teams application: what the bot does with each kind of activity, as a routing table. */
export function createTeamsApplication(adapter: TeamsAdapter, botAppId: string, deps: BotDependencies): Application<TurnState> {
  const app = new Application<TurnState>({ adapter, botAppId, startTypingTimer: false, removeRecipientMention: true, longRunningMessages: false });
  const localeOf = async (userId: string | undefined): Promise<Locale> => {
    const chosen = userId ? (await deps.store.conversations.get(userId))?.locale : undefined;
    return chosen ? toLocale(chosen) : deps.defaultLocale;
  };
  const admission = { audit: deps.store.audit, clock: deps.clock, logger: deps.logger, tenantId: deps.tenantId, serviceUrl: deps.serviceUrl };
  app.turn("beforeTurn", async (context) => {
    if (!(await admitSender(context, admission))) return false;
    return admitOnlyPersonalChat(context, admission, await localeOf(context.activity.from?.aadObjectId));
  });

  app.activity("installationUpdate", async (context) => {
    const userId = context.activity.from?.aadObjectId;
    const known = userId ? await deps.store.conversations.get(userId) : undefined;
    await storeConversation(context, deps);
    if (context.activity.action !== "add") return;
    const t = translator(await localeOf(userId));
    // A team is told what its channel will see; a user is welcomed once, not every time Teams reports the app again.
    if (conversationTypeOf(context) !== "personal") await context.sendActivity(t("bot.welcomeTeam"));
    else if (!known) await context.sendActivity(t("bot.welcome"));
  });

  app.conversationUpdate("membersAdded", async (context) => {
    const botJoined = (context.activity.membersAdded ?? []).some((member) => member.id === context.activity.recipient.id);
    if (botJoined) await storeConversation(context, deps);
  });

  /** A card button as Action.Execute, and as the Action.Submit fallback that updates the card message itself. */
  const cardAction = (verb: string, handle: (userId: string | undefined, data: unknown) => Promise<AdaptiveCard | string>) => {
    const reply = async (context: TurnContext, data: unknown) => handle(context.activity.from?.aadObjectId, data);
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => reply(context, data));
    app.adaptiveCards.actionSubmit(verb, async (context, _state, data) => {
      const card = await reply(context, data);
      if (typeof card === "string" || !context.activity.replyToId) {
        await context.sendActivity(typeof card === "string" ? plainMessage(card) : { attachments: [CardFactory.adaptiveCard(card)] });
        return;
      }
      await context.updateActivity({ id: context.activity.replyToId, type: "message", attachments: [CardFactory.adaptiveCard(card)] });
    });
  };
  // Universal Actions (Action.Execute): the returned card replaces the one answered; clients without them use Action.Submit.
  cardAction(TASK_VERB, async (userId, data) => answerTask(deps, { userId, data, locale: await localeOf(userId) }));
  // A contact teacher puts a task off until a date, or switches the card between its questions and that form.
  cardAction(SNOOZE_VERB, async (userId, data) => snoozeTask(deps, { userId, data, locale: await localeOf(userId) }));
  cardAction(TASK_VIEW_VERB, async (userId, data) => showTask(deps, { userId, data, locale: await localeOf(userId) }));
  // Back from a pupil's card to the list of pupils waiting for the teacher's answer (the bundled card).
  cardAction(BUNDLE_VERB, async (userId) => currentBundle(deps, { userId, locale: await localeOf(userId) }));
  // «Vis flere» / «Forrige side» on a long list ("mine saker", "status", a digest): the next page replaces the card.
  cardAction(LIST_PAGE_VERB, async (userId, data) => showListPage(deps, { userId, data, locale: await localeOf(userId) }));

  // A coordinator confirms or cancels a proposed change of the settings; the answer replaces the proposal.
  const settingsAnswer = async (context: TurnContext, data: unknown, confirmed: boolean) => {
    const userId = context.activity.from?.aadObjectId;
    const locale = await localeOf(userId);
    const t = translator(locale);
    const submit = SettingsChangeSubmitSchema.safeParse(data);
    if (!userId || !submit.success) return t("answer.invalid");
    const context_ = await commandContext({ store: deps.store, clock: deps.clock, userId, locale, services: deps.services ?? {} });
    const { roles } = context_;
    const { change, baseVersion } = submit.data;
    const mayChange = change.schoolId ? roles.coordinatorOf.includes(change.schoolId) : roles.municipalityCoordinator;
    if (!mayChange) {
      await deps.store.audit.record({ at: deps.clock.now().toISOString(), actor: userId, action: "settings.change", subject: "settings", after: { change }, outcome: "refused" });
      return t("command.refused", { command: "terskel sett" });
    }
    if (!confirmed) return textCard(t("settings.cancelled"));
    const reply = await confirmChange(context_, change as never, baseVersion);
    return textCard(reply);
  };
  app.adaptiveCards.actionExecute(CONFIRM_VERB, async (context, _state, data) => settingsAnswer(context, data, true));
  app.adaptiveCards.actionExecute(CANCEL_VERB, async (context, _state, data) => settingsAnswer(context, data, false));
  const erasureAnswer = async (context: TurnContext, data: { pupilId?: unknown; schoolId?: unknown }, confirmed: boolean) => {
    const userId = context.activity.from?.aadObjectId ?? "";
    const context_ = await commandContext({ store: deps.store, clock: deps.clock, userId, locale: await localeOf(userId), services: deps.services ?? {} });
    return confirmErasure(context_, data ?? {}, confirmed);
  };
  app.adaptiveCards.actionExecute(ERASE_CONFIRM_VERB, async (context, _state, data) => erasureAnswer(context, data as { pupilId?: unknown }, true));
  app.adaptiveCards.actionExecute(ERASE_CANCEL_VERB, async (context, _state, data) => erasureAnswer(context, data as { pupilId?: unknown }, false));
  // Any other verb comes from an old or forged card: say so, change nothing, keep the attempt.
  app.adaptiveCards.actionExecute(/^/, async (context) => {
    const userId = context.activity.from?.aadObjectId;
    const verb = String((context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb ?? "").slice(0, 60);
    await deps.store.audit.record({ at: deps.clock.now().toISOString(), actor: userId ?? "unknown", action: "card.unknownVerb", subject: verb, outcome: "refused" });
    return textCard(translator(await localeOf(userId))("answer.invalid"));
  });

  app.activity("message", async (context) => {
    await storeConversation(context, deps);
    const userId = context.activity.from?.aadObjectId;
    const locale = await localeOf(userId);
    if (!userId) {
      await context.sendActivity(translator(locale)("bot.unknownMessage"));
      return;
    }
    const reply = await handleCommand({ store: deps.store, clock: deps.clock, userId, locale, text: context.activity.text ?? "", services: deps.services ?? {} });
    await context.sendActivity(typeof reply === "string" ? plainMessage(reply) : { attachments: [CardFactory.adaptiveCard(reply)] });
  });

  app.error(async (context, error) => {
    deps.logger.error({ err: { message: error.message, stack: error.stack }, activityType: context.activity.type }, "turn failed");
  });

  return app;
}
