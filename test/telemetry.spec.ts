import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { DEMO_AS_OF, DEMO_FOLDER, DEMO_USERS } from "../src/demo/startDemo";
import { openStore, type Store } from "../src/store";
import { TASK_VERB } from "../src/teams/cards";
import { cardAction, installationAdd, message, postActivity, TENANT_ID, type TeamsUser } from "./harness/activities";
import { startBotProcess, until, type BotProcess } from "./harness/botProcess";
import { LoopbackConnector } from "./harness/loopbackConnector";
import { LoopbackIngestion, type Envelope } from "./harness/loopbackIngestion";
import { azuriteConnectionString } from "./harness/rootHooks";

const CLI = join(__dirname, "..", "src", "cli.js");
const NOTE = "Eleven sier at bestemor ligger på sykehus i Tromsø";
const FILES = { org: join(DEMO_FOLDER, "organisation.json"), roster: join(DEMO_FOLDER, "roster.csv"), feed: join(DEMO_FOLDER, "feed.csv") };

function rows(csv: string): Record<string, string>[] {
  const [header = "", ...lines] = csv.trim().split("\n");
  const columns = header.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((value, index) => [columns[index] ?? "", value])));
}

/** What must never reach Application Insights, read from the demo municipality's files. */
async function demoSecrets(): Promise<{ pupilIds: string[]; texts: string[] }> {
  const roster = rows(await readFile(FILES.roster, "utf8"));
  const feed = rows(await readFile(FILES.feed, "utf8"));
  const organisation = await readFile(FILES.org, "utf8");
  const playground = parse(await readFile(join(DEMO_FOLDER, "..", ".m365agentsplayground.yml"), "utf8")) as { currentUser: { name: string; aadObjectId: string }; users: { name: string; aadObjectId: string }[] };
  const people = [playground.currentUser, ...playground.users];
  const objectIds = new Set([...roster.map((row) => row.contact_teacher_id ?? ""), ...(organisation.match(/d0000000-[0-9a-f-]{27}/g) ?? []), ...people.map((person) => person.aadObjectId)]);
  const pupilNames = roster.map((row) => row.pupil_name ?? "");
  const teacherNames = people.map((person) => person.name);
  return {
    pupilIds: [...new Set([...roster, ...feed].map((row) => row.pupil_id ?? ""))].filter(Boolean),
    texts: [...objectIds, ...pupilNames, ...pupilNames.map(encodeURIComponent), ...teacherNames, ...teacherNames.map(encodeURIComponent), NOTE].filter(Boolean),
  };
}

const isJsonObject = (line: string) => {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null;
  } catch {
    return false;
  }
};

describe("what the bot sends to Application Insights", function () {
  this.timeout(120_000);
  const ingestion = new LoopbackIngestion();
  const connector = new LoopbackConnector();
  let bot: BotProcess | undefined;
  let store: Store;
  let exitCode: number | null = null;
  const teacher: TeamsUser = { aadObjectId: DEMO_USERS.teacher5A, name: "Demo Kontaktlærer 5A" };
  const coordinator: TeamsUser = { aadObjectId: DEMO_USERS.coordinator, name: "Demo Koordinator" };

  // One demo night and day with the real bot process, then SIGTERM: the specs below read what arrived.
  before(async () => {
    await ingestion.start();
    await connector.start();
    const tablePrefix = `tele${randomUUID().slice(0, 8)}`;
    const env = {
      ...process.env,
      STORAGE_CONNECTION_STRING: azuriteConnectionString(),
      TABLE_PREFIX: tablePrefix,
      APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString,
      NODE_EXTRA_CA_CERTS: ingestion.certificateFile,
      LOG_LEVEL: "debug",
      LOG_PSEUDONYM_KEY: "telemetry-test",
    };
    await promisify(execFile)(process.execPath, [CLI, "nightly", "--feed", FILES.feed, "--roster", FILES.roster, "--org", FILES.org, "--as-of", DEMO_AS_OF], { env });
    store = await openStore({ connectionString: azuriteConnectionString(), tablePrefix });

    bot = await startBotProcess(tablePrefix, {
      APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString,
      NODE_EXTRA_CA_CERTS: ingestion.certificateFile,
      LOG_LEVEL: "debug",
      LOG_PSEUDONYM_KEY: "telemetry-test",
      ORGANISATION_FILE: FILES.org,
      ROSTER_FILE: FILES.roster,
      FEED_FILE: FILES.feed,
      BOT_SERVICE_URL: connector.url,
      BOT_TENANT_ID: TENANT_ID,
    });
    for (const user of [teacher, coordinator]) await postActivity(bot.url, installationAdd(user, connector.url));
    const teachersCards = async () => (await store.outbox.list()).filter((sent) => sent.recipientId === teacher.aadObjectId && sent.kind === "task");
    await until(async () => (await teachersCards()).length > 0 && (await teachersCards()).every((sent) => sent.status === "sent"), "the teacher's cards to be delivered", 30_000);

    const open = (await store.cases.listSchool("FJS")).find((stored) => stored.value.teacherIds.includes(teacher.aadObjectId) && stored.value.current?.task === "follow-up");
    assert.ok(open?.value.current, "the demo teacher has a follow-up to answer");
    const answer = await postActivity(bot.url, cardAction(teacher, connector.url, TASK_VERB, {
      caseId: open.value.caseId, schoolId: open.value.schoolId, serial: open.value.current.serial,
      guardiansContacted: "yes", guardiansContactedOn: new Date().toISOString().slice(0, 10), guardiansResult: "concerned", documented: "no", cause: "known", pupilHeard: "yes", pupilSaid: NOTE, nurseInformed: "yes",
    }));
    assert.equal(answer.status, 200);
    const pupil = rows(await readFile(FILES.roster, "utf8")).find((row) => row.pupil_id === open.value.pupilId);
    await postActivity(bot.url, message(teacher, connector.url, `Hvordan går det med ${pupil?.pupil_name ?? ""}?`));

    for (const text of ["status", "mine saker", "kjør nå"]) await postActivity(bot.url, message(coordinator, connector.url, text));
    await until(async () => (await store.outbox.list()).some((sent) => sent.kind === "run-summary" && sent.recipientId === coordinator.aadObjectId && sent.status === "sent"), "the run started from Teams to report to the coordinator", 60_000);
    await fetch(`${bot.url}/healthz?from=probe`);
    await fetch(`${bot.url}/users/${teacher.aadObjectId}/cases`);

    exitCode = await bot.stop();
  });

  after(async () => {
    await bot?.kill();
    await connector.stop();
    await ingestion.stop();
  });

  it("stops on SIGTERM with exit code 0", () => {
    assert.equal(exitCode, 0);
  });

  it("records the requests the bot answered, by route and status only", () => {
    const requests = ingestion.ofKind("Request").map((item) => item.data?.baseData ?? {});
    const names = new Set(requests.map((request) => request.name));
    assert.ok(names.has("POST /api/messages") && names.has("GET /healthz"), `requests by route: ${[...names].join(", ")}`);
    assert.deepEqual([...names].filter((name) => !["POST /api/messages", "GET /healthz", "GET (no route)"].includes(String(name))), [], "no URL in a request's name");
    assert.ok(requests.every((request) => /^[1-5]\d\d$/.test(String(request.responseCode))), "every request has its status");
    assert.ok(requests.some((request) => request.responseCode === "404"), "the unknown path is recorded as a 404 without its path");
    assert.ok(requests.every((request) => !request.url), "no URL is sent");
  });

  it("records no outgoing calls (storage and Teams URLs carry ids)", () => {
    assert.deepEqual(ingestion.ofKind("RemoteDependency").map((item) => item.data?.baseData?.name), []);
  });

  it("receives the log lines as traces, up to the last one before the exit (flushed on SIGTERM)", () => {
    const traces = ingestion.ofKind("Message").map((item) => String(item.data?.baseData?.message));
    for (const event of ["task answered", "message sent", "stopping"]) assert.ok(traces.includes(event), `the trace "${event}" (of ${traces.length})`);
  });

  it("holds no Entra object id, pupil id, pupil name, teacher name or free-text answer of the demo", async () => {
    const { pupilIds, texts } = await demoSecrets();
    const sent = JSON.stringify([ingestion.items, ingestion.others]);
    assert.ok(ingestion.items.length > 0);
    assert.deepEqual(texts.filter((text) => sent.includes(text)), []);
    assert.deepEqual(pupilIds.filter((id) => new RegExp(`\\b${id}\\b`).test(sent)), []);
    const kinds = new Set(ingestion.items.map((item: Envelope) => item.name.replace("Microsoft.ApplicationInsights.", "")));
    assert.deepEqual([...kinds].filter((kind) => !["Request", "Message", "Metric"].includes(kind)), [], "only requests, traces and the SDK's resource metric");
  });

  it("writes JSON lines only, to standard output and to standard error", () => {
    assert.ok((bot?.lines.length ?? 0) > 0);
    const stray = [...(bot?.lines ?? []), ...(bot?.errorLines ?? [])].filter((line) => line.trim() !== "" && !isJsonObject(line));
    assert.deepEqual(stray.slice(0, 5), []);
  });
});
