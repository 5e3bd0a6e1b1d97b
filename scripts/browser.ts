/**
 * Headless Debian chromium, driven by playwright-core, looking at the Agents Playground as a person would: used by
 * the screenshot script and the browser tests.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import type { Playground } from "../src/demo/playground";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** Opens the playground's personal chat and waits for the bot's welcome; tall enough for a whole card on screen. */
export async function openChat(browser: Browser, playground: Playground): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
  await page.goto(playground.url, { waitUntil: "networkidle" });
  await page.getByText("Hei! Jeg er Tidlig").first().waitFor({ timeout: 30_000 });
  return page;
}

/** The newest adaptive card in the chat that contains the text. */
export function card(page: Page, text: string) {
  return page.locator(".ac-adaptiveCard", { hasText: text }).last();
}

/** Writes in the chat's compose box and sends, as a person does. */
export async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole("textbox").last();
  await box.click();
  await box.fill(text);
  await box.press("Enter");
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

/** The newest bundled card: one teacher's pupils, most severe first. */
export function bundle(page: Page) {
  return card(page, "trenger oppfølging fra deg");
}

/**
 * Opens the first pupil in the bundled card whose step 1 questions wait (the most severe such pupil) with its
 * «Svar» button, as a teacher would, and returns the pupil's name once the questions are shown in place.
 */
export async function openFollowUpFromBundle(page: Page): Promise<string> {
  // A row is the smallest part of the card around the line that holds a button: the pupil's «Svar».
  const row = bundle(page).locator(".ac-textBlock", { hasText: "oppfølging fra kontaktlærer" }).first().locator("xpath=ancestor::*[.//button][1]");
  await row.getByRole("button", { name: "Svar", exact: true }).waitFor({ timeout: 30_000 });
  const name = (await row.locator(".ac-textBlock").first().innerText()).replace(/ \(.*$/, "");
  await row.getByRole("button", { name: "Svar", exact: true }).click();
  await card(page, `Fravær å følge opp: ${name}`).getByRole("button", { name: "Send svar" }).waitFor({ timeout: 15_000 });
  return name;
}
