import { translator } from "./i18n";
import { summaryText } from "./jobs/summaryText";
import { createLogger } from "./log";
import { clockFrom, DEMO_AS_OF, DEMO_MONDAY, startDemo } from "./demo/startDemo";
import { preferredPort } from "./demo/ports";

const STEPS = { storage: "starting the embedded storage (Azurite, in memory)", nightly: `running the nightly job on demo/ as of ${DEMO_AS_OF}`, bot: "starting the bot", playground: "starting the Microsoft 365 Agents Playground (the local Teams client)" } as const;

/**
 * `npm run demo`: the demo municipality on this machine. In a terminal it starts the embedded storage, runs the
 * nightly job, starts the bot and the Agents Playground as the demo contact teacher's Teams, and keeps running
 * until Ctrl-C. Without a terminal (CI, a pipe) or with --once it stops after the nightly run; --keep-running keeps
 * it running without a terminal too. Everything listens on loopback only, and nothing it started outlives it.
 */
async function main(): Promise<void> {
  const keepRunning = process.argv.includes("--keep-running");
  const once = process.argv.includes("--once") || (!keepRunning && (Boolean(process.env.CI) || !process.stdout.isTTY));
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? "warn", destination: 2 });
  const t = translator("nb");
  // A desktop gets the playground in its browser; a server over SSH gets the address to open.
  const desktop = process.platform === "win32" || process.platform === "darwin" || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const steps = once ? ["storage", "nightly"] : ["storage", "nightly", "bot", "playground"];

  console.log("Tidlig demo: Fjordvik kommune (synthetic data). The demo's clock starts on Monday 23 November 2026, 10:00.");
  const demo = await startDemo({
    clock: clockFrom(DEMO_MONDAY),
    logger,
    onStep: (step) => console.log(`${steps.indexOf(step) + 1}/${steps.length} ${STEPS[step]} ...`),
    ...(once ? {} : { botPort: await preferredPort(3978), playground: { port: await preferredPort(56150), openBrowser: desktop } }),
  });
  for (const summary of demo.summaries) {
    for (const line of summaryText(summary, t)) console.log(line);
    console.log(JSON.stringify(summary));
  }
  if (once) {
    await demo.stop();
    console.log("Done (run it in a terminal to keep the bot and the playground running).");
    return;
  }
  console.log("");
  console.log(`The bot listens on ${demo.bot.url}/api/messages (local mode, no token checks, so loopback only; health: ${demo.bot.url}/healthz).`);
  console.log(`Teams (Agents Playground, loopback only), as the contact teacher of 5A: ${demo.playground?.url}`);
  console.log("Open it in a browser: the step 1 cards arrive within seconds. Try 'mine saker' or 'hjelp' in the chat.");
  console.log("Press Ctrl-C to stop.");
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("Stopping ...");
    await demo.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
