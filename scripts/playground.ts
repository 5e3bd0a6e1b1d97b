/**
 * The Microsoft 365 Agents Playground as a local Teams client, and headless Debian chromium to look at it as a
 * person would: used by the screenshot script and the browser tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { parse, stringify } from "yaml";
import { freePort } from "./freePort";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const REPO = join(__dirname, "..", "..");

interface PlaygroundUser {
  id: string;
  aadObjectId: string;
  [field: string]: unknown;
}

/** The repository's playground configuration, with another demo user as the playground's own user if asked. */
async function configFor(currentUserId?: string): Promise<string> {
  const config = parse(await readFile(join(REPO, ".m365agentsplayground.yml"), "utf8")) as { currentUser: PlaygroundUser; users: PlaygroundUser[] };
  if (currentUserId) {
    const wanted = config.users.find((user) => user.aadObjectId === currentUserId);
    if (!wanted) throw new Error(`no demo user ${currentUserId} in .m365agentsplayground.yml`);
    const previous = config.currentUser;
    config.currentUser = { ...wanted, id: previous.id };
    config.users = config.users.map((user) => (user === wanted ? { ...previous, id: wanted.id } : user));
  }
  return stringify(config);
}

export interface Playground {
  url: string;
  stop(): Promise<void>;
}

/** Starts the playground against a bot, headless (it opens no browser of its own), and waits until it answers. */
export async function startPlayground(botUrl: string, options: { currentUserId?: string } = {}): Promise<Playground> {
  const folder = await mkdtemp(join(tmpdir(), "tidlig-playground-"));
  await writeFile(join(folder, ".m365agentsplayground.yml"), await configFor(options.currentUserId));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [join(REPO, "node_modules", "@microsoft", "m365agentsplayground", "cli.js"), "-e", `${botUrl}/api/messages`, "-c", "msteams", "-p", String(port), "--disable-telemetry"],
    { cwd: folder, env: { ...process.env, TEAMSAPPTESTER_BROWSER: "none" }, stdio: "ignore" },
  );
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("the Agents Playground did not start");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once("exit", resolve)));
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** Opens the playground's personal chat and waits for the bot's first message. */
export async function openChat(browser: Browser, playground: Playground): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(playground.url, { waitUntil: "networkidle" });
  await page.getByText("Hei! Jeg er Tidlig").first().waitFor({ timeout: 20_000 });
  return page;
}
