import { rolesOf, type Roles } from "../../domain/roles";
import { translator, type Locale } from "../../i18n";
import type { Clock } from "../../clock";
import type { Store } from "../../store";
import { listCard } from "../cards";
import { language, myCases } from "./cases";
import type { BotServices, Command, CommandContext, Reply } from "./command";
import { runNow, status } from "./operations";
import { accessRequest, erasure } from "./pupilData";
import { closestCommand, normalise, parseCommand } from "./parse";
import { history, pause, resetThreshold, resume, routine, setThreshold, thresholds } from "./settings";

export type { BotServices, Reply } from "./command";

/** Hello in the ways people say it: answered with what the bot does, not with "did you mean". */
const GREETINGS = new Set(["hei", "hallo", "hi", "hello", "god morgen", "morn", "heisann", "hey"]);

function allowed(command: Command, roles: Roles): boolean {
  return command.role === "anyone" || roles.coordinatorOf.length > 0;
}

export const help: Command = {
  help: "cmd.help",
  role: "anyone",
  names: ["hjelp", "help", "?"],
  async run({ locale, roles }) {
    const t = translator(locale);
    const rows = COMMANDS.filter((command) => allowed(command, roles) && command !== resume).map((command) => ({ title: t(command.help), detail: "" }));
    return listCard({ title: t("help.title"), subtitle: "", facts: [], sections: [{ heading: "", rows, empty: "" }], footer: t("help.footer") });
  },
};

/** Every chat command, as a table: the help text, the manifest's command menu and the router all read it. */
export const COMMANDS: readonly Command[] = [help, myCases, thresholds, setThreshold, resetThreshold, history, routine, status, runNow, pause, resume, accessRequest, erasure, language];

/** Who is asking, with what roles, in which language: what every command and card answer is judged by. */
export async function commandContext(input: { store: Store; clock: Clock; userId: string; locale: Locale; services: BotServices }): Promise<CommandContext> {
  const [organisation, pupils] = await Promise.all([input.store.organisation.get(), input.store.pupils.listAll()]);
  return { ...input, roles: rolesOf(input.userId, organisation, pupils), organisation };
}

/**
 * Answers a chat message: the command it names, if the user's role allows it (a refusal is written to the audit
 * trail), or a suggestion of the closest command.
 */
export async function handleCommand(input: { store: Store; clock: Clock; userId: string; locale: Locale; text: string; services: BotServices }): Promise<Reply> {
  const { store, clock, userId, locale, text, services } = input;
  const t = translator(locale);
  const context = await commandContext({ store, clock, userId, locale, services });
  const { roles } = context;
  const parsed = parseCommand(COMMANDS, text);
  if (!parsed) {
    const visible = COMMANDS.filter((command) => allowed(command, roles));
    if (GREETINGS.has(normalise(text)) || text.trim() === "") return t("bot.unknownMessage");
    return t("command.unknown", { text: text.trim().slice(0, 60), suggestion: closestCommand(visible, text) });
  }
  return runAllowed(context, parsed.command, parsed.args);
}

/** Runs the command if the user's role allows it; a refusal is written to the audit trail. */
export async function runAllowed(context: CommandContext, command: Command, args: string[]): Promise<Reply> {
  if (!allowed(command, context.roles)) {
    await context.store.audit.record({ at: context.clock.now().toISOString(), actor: context.userId, action: `command.${command.names[1] ?? command.names[0]}`, subject: "chat", outcome: "refused" });
    return translator(context.locale)("command.refused", { command: command.names[0] ?? "" });
  }
  return command.run(context, args);
}
