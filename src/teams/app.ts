import { TurnContext } from "botbuilder";
import { Application, TeamsAdapter, type TurnState } from "@microsoft/teams-ai";
import type { Clock } from "../clock";
import { translator, type Locale } from "../i18n";
import type { Logger } from "../log";
import type { Store } from "../store";
import { answerFollowUp } from "./answerFollowUp";
import { FOLLOW_UP_VERB } from "./cards";

export interface BotDependencies {
  store: Store;
  clock: Clock;
  logger: Logger;
  defaultLocale: Locale;
  /** Called when a user's conversation is stored, so that messages waiting for it can go out. */
  onConversationStored?: (userId: string) => void;
}

/** Stores where a user can be reached: their 1:1 conversation with the bot, keyed by Entra object id. */
async function storeConversation(context: TurnContext, deps: BotDependencies): Promise<void> {
  const { activity } = context;
  const userId = activity.from?.aadObjectId;
  if (!userId || activity.conversation?.conversationType !== "personal") return;
  const existing = await deps.store.conversations.get(userId);
  const reference = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
  await deps.store.conversations.save({ userId, reference, locale: existing?.locale, updatedAt: deps.clock.now().toISOString() });
  deps.logger.info({ userId }, "conversation stored");
  deps.onConversationStored?.(userId);
}

/** The Teams application: what the bot does with each kind of activity, as a routing table. */
export function createTeamsApplication(adapter: TeamsAdapter, botAppId: string, deps: BotDependencies): Application<TurnState> {
  const app = new Application<TurnState>({ adapter, botAppId, startTypingTimer: false, removeRecipientMention: true, longRunningMessages: false });
  const localeOf = async (userId: string | undefined): Promise<Locale> =>
    ((userId && (await deps.store.conversations.get(userId))?.locale) as Locale | undefined) ?? deps.defaultLocale;

  app.activity("installationUpdate", async (context) => {
    await storeConversation(context, deps);
    if (context.activity.action === "add") {
      await context.sendActivity(translator(await localeOf(context.activity.from?.aadObjectId))("bot.welcome"));
    }
  });

  app.conversationUpdate("membersAdded", async (context) => {
    const botJoined = (context.activity.membersAdded ?? []).some((member) => member.id === context.activity.recipient.id);
    if (!botJoined) return;
    await storeConversation(context, deps);
  });

  app.adaptiveCards.actionExecute(FOLLOW_UP_VERB, async (context, _state, data) =>
    answerFollowUp(deps, { userId: context.activity.from?.aadObjectId, data, locale: await localeOf(context.activity.from?.aadObjectId) }),
  );

  app.activity("message", async (context) => {
    await storeConversation(context, deps);
    await context.sendActivity(translator(await localeOf(context.activity.from?.aadObjectId))("bot.unknownMessage"));
  });

  app.error(async (context, error) => {
    deps.logger.error({ err: { message: error.message, stack: error.stack }, activityType: context.activity.type }, "turn failed");
  });

  return app;
}
