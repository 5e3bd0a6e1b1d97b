import { randomUUID } from "node:crypto";

export const TENANT_ID = "00000000-0000-4000-8000-0000000000aa";
export const BOT = { id: "28:tidlig-bot", name: "Tidlig" };

export interface TeamsUser {
  aadObjectId: string;
  name: string;
}

/** The 1:1 conversation id Teams would use between this user and the bot. */
export function personalConversationId(user: TeamsUser): string {
  return `a:personal-${user.aadObjectId}`;
}

function base(user: TeamsUser, serviceUrl: string) {
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: "msteams",
    serviceUrl,
    from: { id: `29:${user.aadObjectId}`, aadObjectId: user.aadObjectId, name: user.name },
    recipient: BOT,
    conversation: { id: personalConversationId(user), conversationType: "personal", tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
    locale: "nb-NO",
  };
}

/** What Teams sends when a user adds the app in personal scope. */
export function installationAdd(user: TeamsUser, serviceUrl: string) {
  return { ...base(user, serviceUrl), type: "installationUpdate", action: "add" };
}

/** What Teams sends when a user removes the app. */
export function installationRemove(user: TeamsUser, serviceUrl: string) {
  return { ...base(user, serviceUrl), type: "installationUpdate", action: "remove" };
}

export function conversationMembersAdded(user: TeamsUser, serviceUrl: string) {
  return { ...base(user, serviceUrl), type: "conversationUpdate", membersAdded: [{ id: BOT.id }, { id: `29:${user.aadObjectId}` }] };
}

export function message(user: TeamsUser, serviceUrl: string, text: string) {
  return { ...base(user, serviceUrl), type: "message", text };
}

/** An Adaptive Card Universal Action (Action.Execute) as Teams invokes it. */
export function cardAction(user: TeamsUser, serviceUrl: string, verb: string, data: Record<string, unknown>) {
  return {
    ...base(user, serviceUrl),
    type: "invoke",
    name: "adaptiveCard/action",
    value: { action: { type: "Action.Execute", verb, data }, trigger: "manual" },
  };
}

/** Posts an activity to the bot as the Bot Framework service would; returns the HTTP status and body. */
export async function postActivity(botUrl: string, activity: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${botUrl}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
