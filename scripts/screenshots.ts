/**
 * Makes the screenshots in docs/screenshots/ as a person would see them: the demo municipality, the real bot, the
 * Microsoft 365 Agents Playground as the Teams client, and headless chromium clicking through it.
 *   npm run screenshots        (needs Debian's chromium: apt-get install -y chromium)
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { Clock } from "../src/clock";
import { translator } from "../src/i18n";
import { queueDigests } from "../src/jobs/digests";
import { runNightly } from "../src/jobs/nightly";
import { silentLogger } from "../src/log";
import { openStore } from "../src/store";
import { startEmbeddedAzurite } from "../src/store/embeddedAzurite";
import { startBotServer } from "../src/teams/botServer";
import { launchChromium, openChat, startPlayground } from "./playground";

const REPO = join(__dirname, "..", "..");
const DEMO = join(REPO, "demo");
const OUT = join(REPO, "docs", "screenshots");
export const DEMO_TEACHER = "d0000000-0000-4000-8000-000000000101";
export const DEMO_LEADER = "d0000000-0000-4000-8000-000000000201";

/** A running demo: embedded storage, the bot on a fixed clock, and the demo data judged as of the given days. */
export async function startDemoBot(now: string, nights: string[]) {
  const clock: Clock = { now: () => new Date(now) };
  const azurite = await startEmbeddedAzurite();
  const store = await openStore({ connectionString: azurite.connectionString, tablePrefix: "shots" });
  for (const asOf of nights) {
    await runNightly(
      { store, clock, logger: silentLogger, t: translator("nb") },
      { feedPath: join(DEMO, "feed.csv"), rosterPath: join(DEMO, "roster.csv"), organisationPath: join(DEMO, "organisation.json"), asOf },
    );
  }
  const bot = await startBotServer({
    config: { PORT: 0, BOT_ID: undefined, BOT_PASSWORD: undefined, BOT_TENANT_ID: undefined, BOT_TYPE: "SingleTenant", BOT_SERVICE_URL: undefined, OUTBOX_POLL_SECONDS: 3600, DEFAULT_LOCALE: "nb" },
    store,
    clock,
    logger: silentLogger,
  });
  return {
    store,
    clock,
    bot,
    stop: async () => {
      await bot.close();
      await azurite.close();
    },
  };
}

/** The newest adaptive card in the chat that contains the text. */
export function card(page: Page, text: string) {
  return page.locator(".ac-adaptiveCard", { hasText: text }).last();
}

/** Fills the demo teacher's step 1 card as a teacher would, and sends it. */
export async function answerFollowUp(page: Page, pupilName: string): Promise<void> {
  const form = card(page, `Fravær å følge opp: ${pupilName}`);
  await form.getByRole("button", { name: "Send svar" }).waitFor({ timeout: 15_000 });
  await form.scrollIntoViewIfNeeded();
  // The renderer styles its own radio buttons and checkboxes: click their labels, as a person does.
  const choose = async (question: string, option: string) =>
    form.locator("label", { hasText: question }).locator("xpath=following-sibling::div[1]").getByText(option, { exact: true }).click();
  await choose("Har du kontaktet foresatte?", "Ja");
  await choose("Hva ble resultatet?", "Enige om videre oppfølging");
  await choose("Er fraværet dokumentert?", "Delvis");
  await choose("Er årsaken til fraværet kjent?", "Uklar");
  await form.getByText("Samme ukedag", { exact: true }).click();
  await choose("Har eleven selv fått si hva hen mener?", "Ja");
  await choose("Er helsesykepleier orientert?", "Nei");
  await form.getByRole("button", { name: "Send svar" }).click();
  await card(page, `Besvart: ${pupilName}`).waitFor({ timeout: 15_000 });
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const browser = await launchChromium();
  try {
    // The contact teacher on Monday morning: the step 1 card, then the answered card.
    const teacher = await startDemoBot("2026-11-23T09:00:00Z", ["2026-11-20"]);
    const teacherPlayground = await startPlayground(teacher.bot.url);
    try {
      const page = await openChat(browser, teacherPlayground);
      await teacher.bot.sender.drain();
      const first = card(page, "Steg 1 i fraværsrutinen");
      await first.getByRole("button", { name: "Send svar" }).waitFor({ timeout: 15_000 });
      const title = (await first.locator(".ac-textBlock").first().innerText()).replace("Fravær å følge opp: ", "");
      const pupilName = title.replace(/ \(.*$/, "");
      await first.screenshot({ path: join(OUT, "step1-card.png") });
      await answerFollowUp(page, pupilName);
      await card(page, `Besvart: ${pupilName}`).screenshot({ path: join(OUT, "answered-card.png") });
    } finally {
      await teacherPlayground.stop();
      await teacher.stop();
    }

    // The principal on Thursday morning, after two nights: the daily digest.
    const leader = await startDemoBot("2026-11-26T09:00:00Z", ["2026-11-20", "2026-11-25"]);
    const leaderPlayground = await startPlayground(leader.bot.url, { currentUserId: DEMO_LEADER });
    try {
      const page = await openChat(browser, leaderPlayground);
      await queueDigests({ store: leader.store, clock: leader.clock });
      await leader.bot.sender.drain();
      const digest = card(page, "dagsoversikt");
      await digest.waitFor({ timeout: 20_000 });
      await digest.screenshot({ path: join(OUT, "leader-digest.png") });
    } finally {
      await leaderPlayground.stop();
      await leader.stop();
    }
  } finally {
    await browser.close();
  }
  console.log("docs/screenshots/: step1-card.png, answered-card.png, leader-digest.png");
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
