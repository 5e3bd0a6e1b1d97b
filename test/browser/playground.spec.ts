import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { clockFrom, DEMO_MONDAY, DEMO_USERS, startDemo, type Demo } from "../../src/demo/startDemo";
import { freePort } from "../../src/demo/ports";
import { silentLogger } from "../../src/log";
import { answerFollowUp, bundle, card, CHROMIUM, hasChromium, launchChromium, openChat, openFollowUpFromBundle, say } from "../../scripts/browser";

/** Screenshots of every browser test are kept here, for a person to look at after a run (CI keeps the folder). */
const ARTIFACTS = join(__dirname, "..", "..", "..", "test-results", "screenshots");

describe("the demo in a Teams client (Agents Playground in headless chromium)", function () {
  this.timeout(120_000);
  let browser: Browser;
  let demo: Demo | undefined;

  before(async () => {
    assert.ok(hasChromium(), `the browser tests need chromium at ${CHROMIUM}: apt-get install -y chromium (npm test does it when it can)`);
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await demo?.stop();
    demo = undefined;
  });

  it("shows the contact teacher one card listing the pupils, opens a pupil's step 1 questions in place, takes the answer, and leads back to the list", async () => {
    demo = await startDemo({ clock: clockFrom(DEMO_MONDAY), logger: silentLogger, playground: { port: await freePort() } });
    const page = await openChat(browser, demo.playground as NonNullable<Demo["playground"]>);
    await demo.bot.sender.drain();
    const list = bundle(page);
    await list.waitFor({ timeout: 30_000 });
    assert.match(await list.innerText(), /\d+ elever trenger oppfølging fra deg/);
    assert.match(await list.innerText(), /(Høy|Middels|Lav): /, "each pupil with a severity");
    await list.screenshot({ path: join(ARTIFACTS, "teacher-bundle-card.png") });

    const pupilName = await openFollowUpFromBundle(page);
    const step1 = card(page, "Steg 1 i fraværsrutinen");
    assert.match(await step1.innerText(), /Har du kontaktet foresatte\?/);
    await step1.screenshot({ path: join(ARTIFACTS, "teacher-step1-card.png") });

    await answerFollowUp(page, pupilName);
    const answered = card(page, `Besvart: ${pupilName}`);
    assert.match(await answered.innerText(), /Enige om videre oppfølging/);
    await answered.screenshot({ path: join(ARTIFACTS, "teacher-answered-card.png") });
    await answered.getByRole("button", { name: "Tilbake til listen" }).click();
    await bundle(page).waitFor({ timeout: 15_000 });
    assert.ok(!(await bundle(page).innerText()).includes(pupilName), "the answered pupil has left the list");
    await page.screenshot({ path: join(ARTIFACTS, "teacher-chat.png") });

    const stored = (await demo.store.cases.listSchool("FJS")).find((stored) => stored.value.done.length > 0);
    assert.ok(stored, "the answer is stored in the case");
  });

  it("shows the coordinator the rule set on 'terskler'", async () => {
    demo = await startDemo({ clock: clockFrom(DEMO_MONDAY), logger: silentLogger, playground: { port: await freePort(), currentUserId: DEMO_USERS.coordinator } });
    const page = await openChat(browser, demo.playground as NonNullable<Demo["playground"]>);
    await say(page, "terskler");
    const rules = page.getByText("Terskler: hele kommunen").last();
    await rules.waitFor({ timeout: 20_000 });
    await page.getByText(/minst 10 % av skoledagene/).last().waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(ARTIFACTS, "coordinator-thresholds.png") });
  });
});
