import { join } from "node:path";
import { systemClock } from "./clock";
import { readConfig } from "./config";
import { translator } from "./i18n";
import { runNightly } from "./jobs/nightly";
import { summaryText } from "./jobs/summaryText";
import { createLogger } from "./log";
import { openStore } from "./store";
import { startEmbeddedAzurite } from "./store/embeddedAzurite";
import { startBotServer } from "./teams/botServer";

/** The demo data is as of Friday 20 November 2026, so the demo shows the same on every day it is run. */
const DEMO_AS_OF = "2026-11-20";
const DEMO_FOLDER = join(__dirname, "..", "..", "demo");

/**
 * `npm run demo`: starts an embedded, empty Azurite, runs the nightly job on the demo municipality, prints the
 * run summary, and starts the bot. In a terminal it keeps the bot running until Ctrl-C; otherwise (CI, a pipe,
 * or --once) it stops after the run.
 */
async function main(): Promise<void> {
  const once = process.argv.includes("--once") || Boolean(process.env.CI) || !process.stdout.isTTY;
  const config = readConfig({ ...process.env, STORAGE_CONNECTION_STRING: "" });
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? "warn", destination: 2 });
  const t = translator(config.DEFAULT_LOCALE);

  console.log("Tidlig demo: Fjordvik kommune (synthetic data)");
  console.log("1/3 starting the embedded storage (Azurite, in memory) ...");
  const azurite = await startEmbeddedAzurite();
  const store = await openStore({ connectionString: azurite.connectionString, tablePrefix: "demo" });

  console.log(`2/3 running the nightly job on demo/ as of ${DEMO_AS_OF} ...`);
  const summary = await runNightly(
    { store, clock: systemClock, logger, t },
    {
      feedPath: join(DEMO_FOLDER, "feed.csv"),
      rosterPath: join(DEMO_FOLDER, "roster.csv"),
      organisationPath: join(DEMO_FOLDER, "organisation.json"),
      asOf: DEMO_AS_OF,
    },
  );
  for (const line of summaryText(summary, t)) console.log(line);
  console.log(JSON.stringify(summary));

  if (once) {
    await azurite.close();
    console.log("3/3 done (run in a terminal to keep the bot running).");
    return;
  }
  console.log("3/3 starting the bot ...");
  const bot = await startBotServer({ config, store, clock: systemClock, logger });
  console.log(`The bot listens on ${bot.url}/api/messages (local mode). Health: ${bot.url}/healthz`);
  console.log("Cards wait in the outbox until a demo teacher talks to the bot. Press Ctrl-C to stop.");
  const stop = async () => {
    await bot.close();
    await azurite.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
