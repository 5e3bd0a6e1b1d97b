/**
 * Delivery with several instances of the bot against a Bot Connector that keeps Teams' limits: `cards` step 1
 * cards for the cases of many teachers, sent by `instances` bot processes sharing one storage account, timed
 * against the floor the limit sets (cards / 30 s). Then the teachers' answers, round-robin over the instances.
 *   node dist/scripts/bench/deliveryBench.js [--cards 1000] [--instances 1,2,4] [--json]
 * The instances send at SEND_RATE_PER_SECOND (taken from this process's environment, 29 when unset) between them.
 */
import { DEFAULT_WORK_DIR } from "../../src/config";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { clockFrom } from "../../src/demo/startDemo";
import { freePort } from "../../src/demo/ports";
import { translator } from "../../src/i18n";
import { runNightly } from "../../src/jobs/nightly";
import { silentLogger } from "../../src/log";
import { openStore, type Store } from "../../src/store";
import { startEmbeddedAzurite } from "../../src/store/embeddedAzurite";
import { HEARTBEAT_MS } from "../../src/teams/rateShare";
import { answerActivity, percentile, TENANT, teacherId, writeMunicipality } from "../load";
import { TEAMS_LIMITS, TeamsConnector } from "./teamsConnector";

const BOT = join(__dirname, "..", "..", "src", "index.js");
/** Two cards a teacher: each is sent as it is (three or more would be bundled into one), so every card is a request. */
const CARDS_PER_TEACHER = 2;
const ANSWERS_IN_FLIGHT = 16;
/** How long the benchmark gives itself to put the cards in the queue before they are handed out. */
const QUEUE_FILL_MS = 15_000;

export interface DeliveryBenchReport {
  instances: number;
  cards: number;
  seconds: number;
  /** cards / 30: no sender can beat Teams' limit for the app in the tenant. */
  floorSeconds: number;
  ratioToFloor: number;
  /** 429s the connector answered. */
  throttled: number;
  duplicates: number;
  /** Cards sent by each instance. */
  perInstance: number[];
  answers?: { count: number; perSecond: number; p95Ms: number };
}

interface BotProcess {
  url: string;
  child: ChildProcess;
  sent: number;
}

const round = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;

async function startBot(env: Record<string, string>): Promise<BotProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--no-deprecation", BOT], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "inherit"] });
  const bot: BotProcess = { url: `http://127.0.0.1:${port}`, child, sent: 0 };
  let rest = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    bot.sent += lines.filter((line) => line.includes('"msg":"message sent"')).length;
  });
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`${bot.url}/healthz`).then((response) => response.ok, () => false))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("a bot process did not start");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return bot;
}

async function stopBot(bot: BotProcess): Promise<void> {
  if (bot.child.exitCode !== null) return;
  const exited = new Promise((resolve) => bot.child.once("exit", resolve));
  bot.child.kill("SIGTERM");
  const timer = setTimeout(() => bot.child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited in vain for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Where each teacher can be reached, as the bot stores it when the app is installed. */
async function seedConversations(store: Store, teachers: number, serviceUrl: string): Promise<void> {
  const ids = Array.from({ length: teachers }, (_, index) => teacherId(index));
  for (let start = 0; start < ids.length; start += 20) {
    await Promise.all(
      ids.slice(start, start + 20).map((id) =>
        store.conversations.save({
          userId: id,
          reference: { channelId: "msteams", serviceUrl, bot: { id: "28:tidlig-bot", name: "Tidlig" }, user: { id: `29:${id}`, aadObjectId: id }, conversation: { id: `a:${id}`, conversationType: "personal", tenantId: TENANT } },
          updatedAt: new Date().toISOString(),
        }),
      ),
    );
  }
}

/** The teachers answer their cards, round-robin over the instances, `ANSWERS_IN_FLIGHT` at a time. */
async function answerAll(store: Store, schoolIds: string[], bots: BotProcess[], serviceUrl: string): Promise<DeliveryBenchReport["answers"]> {
  const open = (await Promise.all(schoolIds.map((schoolId) => store.cases.listSchool(schoolId)))).flat().map((stored) => stored.value);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const began = performance.now();
  const worker = async () => {
    while (next < open.length) {
      const index = next++;
      const bot = bots[index % bots.length] as BotProcess;
      const started = performance.now();
      try {
        const response = await fetch(`${bot.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(answerActivity(open[index] as (typeof open)[number], serviceUrl)) });
        if (response.status !== 200 || !(await response.text()).includes("Besvart")) errors += 1;
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: ANSWERS_IN_FLIGHT }, worker));
  const seconds = (performance.now() - began) / 1000;
  if (errors > 0) process.stderr.write(`${errors} answers failed\n`);
  const sorted = latencies.sort((a, b) => a - b);
  return { count: latencies.length - errors, perSecond: round((latencies.length - errors) / seconds, 1), p95Ms: percentile(sorted, 95) };
}

export async function benchDelivery(options: { cards: number; instances: number; connectionString?: string }): Promise<DeliveryBenchReport> {
  const azurite = options.connectionString ? undefined : await startEmbeddedAzurite();
  const connectionString = options.connectionString ?? (azurite?.connectionString as string);
  const folder = await mkdtemp(join(tmpdir(), "tidlig-delivery-"));
  const connector = await new TeamsConnector().start();
  const bots: BotProcess[] = [];
  try {
    const tablePrefix = `bench${Date.now().toString(36)}`;
    // Written to the table only: the benchmark hands the messages to the queue when every instance is ready.
    const store = await openStore({ connectionString, tablePrefix });
    const queued = await openStore({ connectionString, tablePrefix, outboxQueue: true });
    const teachers = Math.ceil(options.cards / CARDS_PER_TEACHER);
    await seedConversations(store, teachers, connector.url);

    const env = {
      STORAGE_CONNECTION_STRING: connectionString,
      TABLE_PREFIX: tablePrefix,
      BOT_ID: "",
      BOT_SERVICE_URL: connector.url,
      BOT_TENANT_ID: TENANT,
      OUTBOX_QUEUE: "auto",
      OUTBOX_POLL_SECONDS: "0.5",
      SEND_RATE_PER_SECOND: process.env.SEND_RATE_PER_SECOND ?? "29",
      LOG_LEVEL: "info",
      ORGANISATION_FILE: "",
      ROSTER_FILE: "",
      FEED_FILE: "",
      DIGEST_SCHEDULE: "0 8 1 1 *",
    };
    bots.push(...(await Promise.all(Array.from({ length: options.instances }, () => startBot(env)))));
    // Every instance must know how many share the rate before the first card goes.
    await until(async () => (await store.instances.countAlive(new Date())) === options.instances, "every instance's heartbeat", 30_000);
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS + 1_000));

    const files = await writeMunicipality(folder, teachers, CARDS_PER_TEACHER);
    const summary = await runNightly({ store, clock: clockFrom("2026-11-23T09:00:00Z"), logger: silentLogger, t: translator("nb") }, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20", workDir: DEFAULT_WORK_DIR });
    const cards = summary.notificationsQueued;

    // All cards wait in the queue, hidden until one moment: from then on the instances only send.
    const visibleAt = new Date(Date.now() + QUEUE_FILL_MS);
    await queued.outbox.requeueOverdue(new Date(), 0, visibleAt);
    const fillMs = QUEUE_FILL_MS - (visibleAt.getTime() - Date.now());
    if (fillMs > QUEUE_FILL_MS) process.stderr.write(`filling the queue took ${fillMs} ms, longer than the ${QUEUE_FILL_MS} ms allowed: the first cards went out while it filled\n`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, visibleAt.getTime() - Date.now())));
    const began = performance.now() - Math.max(0, Date.now() - visibleAt.getTime());
    await until(() => connector.counts.delivered >= cards, `${cards} cards to be delivered`, Math.max(300_000, cards * 500));
    // Duplicates would come after the last card: give the instances a moment to show any.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const seconds = (connector.counts.lastDeliveredAt - began) / 1000;
    const floorSeconds = cards / TEAMS_LIMITS.perTenantPerSecond;
    const report: DeliveryBenchReport = {
      instances: options.instances,
      cards,
      seconds: round(seconds),
      floorSeconds: round(floorSeconds),
      ratioToFloor: round(seconds / floorSeconds, 3),
      throttled: connector.counts.throttled,
      duplicates: connector.counts.duplicates,
      perInstance: bots.map((bot) => bot.sent),
    };
    report.answers = await answerAll(store, files.schoolIds, bots, connector.url);
    return report;
  } finally {
    await Promise.all(bots.map(stopBot));
    await connector.stop();
    await azurite?.close();
    await rm(folder, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cards: { type: "string", default: "1000" }, instances: { type: "string", default: "1,2,4" }, json: { type: "boolean", default: false } } });
  const azurite = await startEmbeddedAzurite();
  try {
    for (const instances of String(values.instances).split(",").map(Number)) {
      const report = await benchDelivery({ cards: Number(values.cards), instances, connectionString: azurite.connectionString });
      if (values.json) console.log(JSON.stringify(report));
      else {
        console.log(
          `${report.instances} instance(s): ${report.cards} cards in ${report.seconds} s (floor ${report.floorSeconds} s, ratio ${report.ratioToFloor}), ` +
            `429s ${report.throttled}, duplicates ${report.duplicates}, per instance ${report.perInstance.join("/")}; ` +
            `answers ${report.answers?.count} at ${report.answers?.perSecond}/s, p95 ${report.answers?.p95Ms} ms`,
        );
      }
    }
  } finally {
    await azurite.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
