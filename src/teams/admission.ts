import { ActivityTypes, type TurnContext } from "botbuilder";
import type { Clock } from "../clock";
import { translator, type Locale } from "../i18n";
import type { Logger } from "../log";
import type { AuditTrail } from "../store/auditTrail";
import { textCard } from "./cards";

/** What the bot knows before it lets an activity reach its routes. */
export interface AdmissionRules {
  audit: AuditTrail;
  clock: Clock;
  logger: Logger;
  /** The municipality's Entra tenant: activities from any other tenant are ignored. */
  tenantId?: string | undefined;
  /** The Bot Connector the bot is configured for: activities naming another are ignored, so nothing is sent there. */
  serviceUrl?: string | undefined;
}

/** Where a Teams activity was written: a personal chat, a group chat or a team's channel (missing: unknown). */
export function conversationTypeOf(context: TurnContext): string {
  return context.activity.conversation?.conversationType ?? "unknown";
}

function tenantOf(context: TurnContext): string | undefined {
  const { activity } = context;
  return (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? activity.conversation?.tenantId;
}

/** Scheme, host and port: Teams' regions share one host (paths differ), a foreign connector does not. */
function connectorOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}

async function refuse(context: TurnContext, rules: AdmissionRules, action: string, subject: string): Promise<false> {
  const { activity } = context;
  rules.logger.warn({ userId: activity.from?.aadObjectId, activityType: activity.type, action }, "activity refused");
  await rules.audit.record({ at: rules.clock.now().toISOString(), actor: activity.from?.aadObjectId ?? "unknown", action, subject: subject.slice(0, 60), outcome: "refused" });
  return false;
}

/**
 * The doors before the routes: another tenant, or a Bot Connector the bot was not configured for, is ignored without
 * an answer (an answer would go to that connector). Returns whether the activity may go on.
 */
export async function admitSender(context: TurnContext, rules: AdmissionRules): Promise<boolean> {
  if (rules.tenantId && tenantOf(context) !== rules.tenantId) return refuse(context, rules, "activity.otherTenant", context.activity.type ?? "");
  const configured = connectorOf(rules.serviceUrl);
  if (configured && connectorOf(context.activity.serviceUrl) !== configured) return refuse(context, rules, "activity.foreignServiceUrl", context.activity.type ?? "");
  return true;
}

/**
 * Pupil data is shown and changed only in a personal chat. In a channel or a group chat, a command is answered with
 * a pointer to the personal chat and a card button with a refusal; both are audited. The referral card posted to
 * the resource team's channel has no buttons, so nothing a channel member can press reaches a case.
 * Returns whether the activity may go on to the routes.
 */
export async function admitOnlyPersonalChat(context: TurnContext, rules: AdmissionRules, locale: Locale): Promise<boolean> {
  const { activity } = context;
  const where = conversationTypeOf(context);
  if (where === "personal") return true;
  const isCardAction = activity.type === ActivityTypes.Invoke && activity.name === "adaptiveCard/action";
  if (activity.type !== ActivityTypes.Message && !isCardAction) return true;
  await refuse(context, rules, isCardAction ? "card.outsidePersonalChat" : "chat.outsidePersonalChat", where);
  const t = translator(locale);
  if (isCardAction) {
    await context.sendActivity({
      type: ActivityTypes.InvokeResponse,
      value: { status: 200, body: { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: textCard(t("card.personalOnly")) } },
    });
  } else {
    await context.sendActivity({ type: ActivityTypes.Message, text: t("bot.personalOnly"), textFormat: "plain" });
  }
  return false;
}
