import { DEFAULT_WORK_DIR } from "../config";
import { join } from "node:path";
import type { Clock } from "../clock";
import { translator, type Locale } from "../i18n";
import { runNightly, type NightlySummary } from "../jobs/nightly";
import type { Logger } from "../log";
import { openStore, type Store } from "../store";
import { startEmbeddedAzurite } from "../store/embeddedAzurite";
import { startBotServer, type BotServer } from "../teams/botServer";
import { startPlayground, type Playground } from "./playground";

export const DEMO_FOLDER = join(__dirname, "..", "..", "..", "demo");

/** The demo municipality's people, as `.m365agentsplayground.yml` and demo/ know them. */
export const DEMO_USERS = {
  teacher5A: "d0000000-0000-4000-8000-000000000101",
  principal: "d0000000-0000-4000-8000-000000000201",
  coordinator: "d0000000-0000-4000-8000-000000000301",
} as const;

/** The demo data is judged as of Friday 20 November 2026, so the demo shows the same on every day it is run. */
export const DEMO_AS_OF = "2026-11-20";
/** ... and the demo's clock starts on the Monday after, at 10:00 in Oslo, inside the delivery hours. */
export const DEMO_MONDAY = "2026-11-23T09:00:00Z";

/** A clock that starts at a given instant and runs at the speed of real time from there. */
export function clockFrom(start: string): Clock {
  const offset = new Date(start).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

export interface DemoOptions {
  clock: Clock;
  logger: Logger;
  /** The nights to run, oldest first (default: the demo's Friday). */
  nights?: string[];
  botPort?: number;
  playground?: { port: number; currentUserId?: string; openBrowser?: boolean };
  locale?: Locale;
  /** Told of each step as it starts, for a progress display. */
  onStep?: (step: "storage" | "nightly" | "bot" | "playground") => void;
}

export interface Demo {
  store: Store;
  bot: BotServer;
  playground?: Playground;
  summaries: NightlySummary[];
  stop(): Promise<void>;
}

/**
 * The demo municipality, running: an empty embedded Azurite, the nightly job over demo/, the bot in local mode,
 * and, if asked, the Agents Playground as the Teams client of one demo user.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const { clock, logger } = options;
  const locale = options.locale ?? "nb";
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    options.onStep?.("storage");
    const azurite = await startEmbeddedAzurite();
    stops.push(() => azurite.close());
    const store = await openStore({ connectionString: azurite.connectionString, tablePrefix: "demo" });

    options.onStep?.("nightly");
    const summaries: NightlySummary[] = [];
    for (const asOf of options.nights ?? [DEMO_AS_OF]) {
      summaries.push(
        await runNightly(
          { store, clock, logger, t: translator(locale) },
          { feedPath: join(DEMO_FOLDER, "feed.csv"), rosterPath: join(DEMO_FOLDER, "roster.csv"), organisationPath: join(DEMO_FOLDER, "organisation.json"), asOf, workDir: DEFAULT_WORK_DIR },
        ),
      );
    }

    options.onStep?.("bot");
    const bot = await startBotServer({
      config: { PORT: options.botPort ?? 0, BOT_ID: undefined, BOT_PASSWORD: undefined, BOT_TENANT_ID: undefined, BOT_TYPE: "SingleTenant", BOT_SERVICE_URL: undefined, OUTBOX_POLL_SECONDS: 5, DEFAULT_LOCALE: locale },
      store,
      clock,
      logger,
    });
    stops.push(() => bot.close());

    let playground: Playground | undefined;
    if (options.playground) {
      options.onStep?.("playground");
      playground = await startPlayground(bot.url, options.playground);
      stops.push(() => (playground as Playground).stop());
    }
    return { store, bot, playground, summaries, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
