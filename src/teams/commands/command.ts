import type { Clock } from "../../clock";
import type { Organisation } from "../../domain/organisation";
import type { Roles } from "../../domain/roles";
import type { Locale, MessageKey } from "../../i18n";
import type { Store } from "../../store";
import type { AdaptiveCard } from "../cards";

export type Reply = string | AdaptiveCard;

/** What the bot can do besides answering: start the nightly run, and say when the next one is. */
export interface BotServices {
  runNow?: (requestedBy: string) => Promise<"started" | "running" | "not-configured">;
  nextRun?: () => Date | undefined;
  isRunning?: () => boolean;
}

export interface CommandContext {
  store: Store;
  clock: Clock;
  userId: string;
  locale: Locale;
  roles: Roles;
  organisation: Organisation | undefined;
  services: BotServices;
  /** The page of a long answer: from a «Vis flere» button, or typed after the command ("mine saker 2"). */
  page?: number | undefined;
}

/** The page a button asked for, or the page the command's words ask for ("mine saker 2"), or the first. */
export function pageOf(context: CommandContext, word: string | undefined): number {
  const typed = Number(word);
  return context.page ?? (Number.isInteger(typed) && typed > 0 ? typed : 1);
}

export interface Command {
  /** The catalogue key of the command's line in the help text. */
  help: MessageKey;
  /** The words that start the command, bokmål first, then aliases (any case; æ/ø/å may be typed as ae/o/a). */
  names: string[];
  /** Who may use it. */
  role: "anyone" | "coordinator";
  run(context: CommandContext, args: string[]): Promise<Reply>;
}
