/**
 * The Microsoft 365 Agents Playground (npm `@microsoft/m365agentsplayground`) as the local Teams client of the demo
 * and the browser tests. Its mock Teams (users, team, channel) comes from the repository's
 * `.m365agentsplayground.yml`, whose current user is a demo contact teacher; another demo user can take that place.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { LOOPBACK } from "./playgroundProcess";

const REPO = join(__dirname, "..", "..", "..");

interface PlaygroundUser {
  id: string;
  aadObjectId: string;
  [field: string]: unknown;
}

/** The repository's playground configuration, with another demo user as the playground's own user if asked. */
async function configFor(currentUserId?: string): Promise<string> {
  const config = parse(await readFile(join(REPO, ".m365agentsplayground.yml"), "utf8")) as { currentUser: PlaygroundUser; users: PlaygroundUser[] };
  if (currentUserId && currentUserId !== config.currentUser.aadObjectId) {
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

export interface PlaygroundOptions {
  /** The Entra object id of the demo user the playground speaks as (default: the demo contact teacher). */
  currentUserId?: string;
  port: number;
  /** Let the playground open the system's browser (a desktop); headless machines only get the URL. */
  openBrowser?: boolean;
}

/**
 * Starts the playground against a bot and waits until it answers. It listens on loopback only and ends when this
 * process ends (see playgroundProcess.ts).
 */
export async function startPlayground(botUrl: string, options: PlaygroundOptions): Promise<Playground> {
  const folder = await mkdtemp(join(tmpdir(), "tidlig-playground-"));
  await writeFile(join(folder, ".m365agentsplayground.yml"), await configFor(options.currentUserId));
  const env = { ...process.env, ...(options.openBrowser ? {} : { TEAMSAPPTESTER_BROWSER: "none" }) };
  // The playground would tell the bot to answer at localhost, which may name another address than the one it listens on.
  const serviceUrl = `http://${LOOPBACK}:${options.port}/_connector`;
  const child: ChildProcess = fork(
    join(__dirname, "playgroundProcess.js"),
    ["-e", `${botUrl}/api/messages`, "-c", "msteams", "-p", String(options.port), "--service-url", serviceUrl, "--disable-telemetry"],
    { cwd: folder, env, stdio: ["ignore", "ignore", "ignore", "ipc"], execArgv: [] },
  );
  // The channel is how the playground notices that this process ended; it must not keep this process alive itself.
  child.channel?.unref();
  const url = `http://${LOOPBACK}:${options.port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const listening = await fetch(url).then((response) => response.ok, () => false);
    if (listening) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGTERM");
      throw new Error(`the Agents Playground did not start on port ${options.port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(folder, { recursive: true, force: true });
    },
  };
}
