/**
 * Makes the screenshots in docs/screenshots/ as a person would see them: the demo municipality, the real bot, the
 * Microsoft 365 Agents Playground as the Teams client, and headless chromium clicking through it.
 *   npm run screenshots        (needs Debian's chromium: apt-get install -y chromium)
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { clockFrom, DEMO_AS_OF, DEMO_USERS, startDemo } from "../src/demo/startDemo";
import { freePort } from "../src/demo/ports";
import { queueDigests } from "../src/jobs/digests";
import { silentLogger } from "../src/log";
import { answerFollowUp, bundle, card, launchChromium, openChat, openFollowUpFromBundle } from "./browser";

const OUT = join(__dirname, "..", "..", "docs", "screenshots");

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const browser = await launchChromium();
  try {
    // The contact teacher on Monday morning: the list of pupils, one pupil's step 1 card, then the answered card.
    const teacher = await startDemo({ clock: clockFrom("2026-11-23T09:00:00Z"), logger: silentLogger, playground: { port: await freePort() } });
    try {
      const page = await openChat(browser, teacher.playground as NonNullable<typeof teacher.playground>);
      await teacher.bot.sender.drain();
      await bundle(page).waitFor({ timeout: 30_000 });
      await bundle(page).screenshot({ path: join(OUT, "bundle-card.png") });
      const pupilName = await openFollowUpFromBundle(page);
      await card(page, "Steg 1 i fraværsrutinen").screenshot({ path: join(OUT, "step1-card.png") });
      await answerFollowUp(page, pupilName);
      await card(page, `Besvart: ${pupilName}`).screenshot({ path: join(OUT, "answered-card.png") });
    } finally {
      await teacher.stop();
    }

    // The principal on Thursday morning, after two nights: the daily digest.
    const clock = clockFrom("2026-11-26T09:00:00Z");
    const leader = await startDemo({ clock, logger: silentLogger, nights: [DEMO_AS_OF, "2026-11-25"], playground: { port: await freePort(), currentUserId: DEMO_USERS.principal } });
    try {
      const page = await openChat(browser, leader.playground as NonNullable<typeof leader.playground>);
      await queueDigests({ store: leader.store, clock });
      await leader.bot.sender.drain();
      const digest = card(page, "dagsoversikt");
      await digest.waitFor({ timeout: 20_000 });
      await digest.screenshot({ path: join(OUT, "leader-digest.png") });
    } finally {
      await leader.stop();
    }
  } finally {
    await browser.close();
  }
  console.log("docs/screenshots/: bundle-card.png, step1-card.png, answered-card.png, leader-digest.png");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
