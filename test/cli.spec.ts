import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { openStore } from "../src/store";
import { azuriteConnectionString } from "./harness/rootHooks";
import { TEACHER, writeMunicipality } from "./harness/municipality";

const run = promisify(execFile);
const CLI = join(__dirname, "..", "src", "cli.js");

/** One operator command in a process of its own, in a folder without a .env; killed if it runs for 30 s. */
async function cli(args: string[], env: Record<string, string>) {
  const cwd = await mkdtemp(join(tmpdir(), "tidlig-cli-"));
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd, timeout: 30_000, env: { ...process.env, BOT_ID: "", LOG_LEVEL: "silent", ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function nightlyCli(args: string[], tablePrefix: string) {
  return cli(["nightly", ...args], { STORAGE_CONNECTION_STRING: azuriteConnectionString(), TABLE_PREFIX: tablePrefix });
}

describe("npm run nightly (the nightly job from a terminal)", () => {
  it("ends its output with one JSON line: rows, accepted, rejected, casesOpened, notificationsQueued", async () => {
    const files = await writeMunicipality({ feed: "pupil_id,date,kind,documented\nP1,2026-11-02,day,no\nGHOST,2026-11-03,day,no\nP1,2026-11-19,day,yes\n" });
    const prefix = `cli${Date.now().toString(36)}`;
    const { code, stdout, stderr } = await nightlyCli(["--feed", files.feed, "--roster", files.roster, "--org", files.organisation, "--as-of", "2026-11-20", "--json"], prefix);
    assert.equal(code, 0);
    assert.match(stderr.split("\n")[0] ?? "", new RegExp(`^Storage: an emulator \\(Azurite, local use only\\) at http://127\\.0\\.0\\.1:\\d+, tables ${prefix}\\*`), "the storage is named first, on standard error");
    assert.ok(!stdout.includes("Storage:"), "standard output stays the report");
    const lines = stdout.trim().split("\n");
    const summary = JSON.parse(lines[lines.length - 1] ?? "");
    assert.equal(summary.rows, 3);
    assert.equal(summary.accepted, 2);
    assert.deepEqual(summary.rejected.map((row: { line: number }) => row.line), [3]);
    assert.equal(typeof summary.rejected[0].reason, "string");
    assert.equal(summary.casesOpened, 1);
    assert.equal(summary.notificationsQueued, 1);
    assert.match(stdout, /Linje 3: ukjent elev/);

    const store = await openStore({ connectionString: azuriteConnectionString(), tablePrefix: prefix });
    const waiting = (await store.outbox.list()).map((message) => message.kind).sort();
    assert.deepEqual(waiting, ["run-summary", "task"], "the card and the coordinator's summary of the bad row wait in the outbox for the bot");
  });

  it("stores nothing with --dry-run", async () => {
    const files = await writeMunicipality();
    const prefix = `dry${Date.now().toString(36)}`;
    const { code, stdout } = await nightlyCli(["--feed", files.feed, "--roster", files.roster, "--org", files.organisation, "--as-of", "2026-11-20", "--dry-run", "--json"], prefix);
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout.trim().split("\n").pop() ?? "").casesOpened, 2);
    const store = await openStore({ connectionString: azuriteConnectionString(), tablePrefix: prefix });
    assert.equal((await store.cases.listOpen()).length, 0);
  });

  it("exits with status 2 and says what is wrong for a missing file or a bad date", async () => {
    const files = await writeMunicipality();
    const missing = await nightlyCli(["--feed", join(files.folder, "nope.csv"), "--roster", files.roster, "--org", files.organisation, "--json"], "clix");
    assert.equal(missing.code, 2);
    assert.match(missing.stdout, /filen finnes ikke/);
    const badDate = await nightlyCli(["--feed", files.feed, "--roster", files.roster, "--org", files.organisation, "--as-of", "20.13.2026"], "clix");
    assert.equal(badDate.code, 2);
  });

  it("lets one of two nightly runs started at once in two processes work; the other says so and exits 3; nothing is queued twice", async function () {
    this.timeout(60_000);
    // Enough pupils and rows that the two runs overlap: each reads the files before it asks for the lease.
    const pupils = Array.from({ length: 400 }, (_, index) => `Q${index}`);
    const roster = ["pupil_id,pupil_name,school_id,group,contact_teacher_id", ...pupils.map((id) => `${id},Elev ${id},S1,7B,${TEACHER.aadObjectId}`)].join("\n");
    const feed = ["pupil_id,date,kind,documented", ...pupils.flatMap((id) => ["2026-11-16", "2026-11-18", "2026-11-20"].map((date) => `${id},${date},day,no`))].join("\n");
    const files = await writeMunicipality({ roster, feed });
    const prefix = `two${Date.now().toString(36)}`;
    const args = ["--feed", files.feed, "--roster", files.roster, "--org", files.organisation, "--as-of", "2026-11-20", "--json"];
    const [first, second] = await Promise.all([nightlyCli(args, prefix), nightlyCli(args, prefix)]);
    assert.deepEqual([first.code, second.code].sort(), [0, 3]);
    const skipped = [first, second].find((result) => result.code === 3);
    assert.match(skipped?.stdout ?? "", /another-run-in-progress|pågår/);
    const store = await openStore({ connectionString: azuriteConnectionString(), tablePrefix: prefix });
    assert.equal((await store.cases.listSchool("S1")).length, 400, "one case per pupil");
    const tasks = (await store.outbox.list()).filter((message) => message.kind === "task");
    assert.equal(tasks.length, 400, "one card per pupil, queued once");
  });
});

describe("npm run nightly always ends with a summary and an exit status that tells what happened", () => {
  it("a feed with a quote that is never closed: exit 2, the summary names the line, the run is recorded and the coordinators told", async function () {
    this.timeout(60_000);
    const files = await writeMunicipality({ feed: "pupil_id,date,kind,documented\nP1,2026-11-02,day,no\nP1,\"2026-11-19,day,yes\n" });
    const prefix = `quote${Date.now().toString(36)}`;
    const { code, stdout } = await nightlyCli(["--feed", files.feed, "--roster", files.roster, "--org", files.organisation, "--as-of", "2026-11-20", "--json"], prefix);
    assert.equal(code, 2);
    assert.match(stdout, /Filen .*feed\.csv ble avvist: et anførselstegn \("\) på linje 3 blir aldri lukket/);
    const summary = JSON.parse(stdout.trim().split("\n").pop() ?? "");
    assert.deepEqual([summary.ok, summary.fileRejected.code], [false, "file.unterminatedQuote"]);
    const store = await openStore({ connectionString: azuriteConnectionString(), tablePrefix: prefix });
    assert.equal((await store.absence.listSchool("S1")).size, 0, "nothing of the rows before the quote is stored");
    assert.ok((await store.runs.latest())?.summary.fileRejected, "the run is recorded, so that 'status' shows it");
    assert.deepEqual((await store.outbox.list()).map((message) => message.kind), ["run-summary"]);
  });

  it("a roster with a quote that is never closed: exit 2 and the summary names the roster and the line", async function () {
    this.timeout(60_000);
    const files = await writeMunicipality({ roster: `pupil_id,pupil_name,school_id,group,contact_teacher_id\nP1,"Emma,S1,7B,${TEACHER.aadObjectId}\nP2,Noah,S1,7B,${TEACHER.aadObjectId}\n` });
    const { code, stdout } = await nightlyCli(["--feed", files.feed, "--roster", files.roster, "--org", files.organisation, "--as-of", "2026-11-20"], `rq${Date.now().toString(36)}`);
    assert.equal(code, 2);
    assert.match(stdout, /Filen .*roster\.csv ble avvist: .*linje 2/);
  });

  it("a line of 10 MB without a newline: exit 2, refused with its line", async function () {
    this.timeout(60_000);
    const files = await writeMunicipality({ feed: Buffer.concat([Buffer.from("pupil_id,date,kind,documented\nP1,2026-11-02,day,no\n"), Buffer.alloc(10 * 1024 * 1024, "x")]) });
    const { code, stdout } = await nightlyCli(["--feed", files.feed, "--roster", files.roster, "--org", files.organisation, "--as-of", "2026-11-20", "--json"], `long${Date.now().toString(36)}`);
    assert.equal(code, 2);
    assert.match(stdout, /linje 3 er lengre enn 65536 tegn/);
    assert.equal(JSON.parse(stdout.trim().split("\n").pop() ?? "").fileRejected.code, "file.lineTooLong");
  });

  it("a run that fails (the storage does not answer): exit 1 with a summary line and ok:false with the failure's code, no stack", async function () {
    this.timeout(60_000);
    const files = await writeMunicipality();
    const nowhere = azuriteConnectionString().replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:9");
    const { code, stdout, stderr } = await cli(["nightly", "--feed", files.feed, "--roster", files.roster, "--org", files.organisation, "--as-of", "2026-11-20", "--json"], { STORAGE_CONNECTION_STRING: nowhere, TABLE_PREFIX: "nowhere" });
    assert.equal(code, 1);
    assert.match(stdout, /Den nattlige kjøringen stoppet på grunn av en feil og ble ikke fullført: lagringen svarte ikke/);
    const summary = JSON.parse(stdout.trim().split("\n").pop() ?? "");
    assert.deepEqual([summary.ok, summary.failure], [false, { code: "storage" }]);
    assert.doesNotMatch(`${stdout}${stderr}`, /\n\s+at /, "no stack trace");
  });

  it("a wrong environment: exit 1, the summary line, and what to fix on standard error", async () => {
    const files = await writeMunicipality();
    const { code, stdout, stderr } = await cli(["nightly", "--feed", files.feed, "--roster", files.roster, "--org", files.organisation, "--json", "--lang", "en"], { STORAGE_CONNECTION_STRING: azuriteConnectionString(), LOG_LEVEL: "loud" });
    assert.equal(code, 1);
    assert.match(stdout, /The nightly run stopped because of an error and did not finish: the settings in the environment are not valid/);
    assert.equal(JSON.parse(stdout.trim().split("\n").pop() ?? "").failure.code, "configuration");
    assert.match(stderr, /LOG_LEVEL/);
  });
});

describe("the operator commands name the storage they work on", () => {
  it("export, from a storage with pupils: the pupil as JSON on standard output, or 'no such pupil' (exit 2) for an unknown one", async () => {
    const files = await writeMunicipality();
    const prefix = `exp${Date.now().toString(36)}`;
    assert.equal((await nightlyCli(["--feed", files.feed, "--roster", files.roster, "--org", files.organisation, "--as-of", "2026-11-20"], prefix)).code, 0);
    const env = { STORAGE_CONNECTION_STRING: azuriteConnectionString(), TABLE_PREFIX: prefix };
    const known = await cli(["export", "--pupil", "P1"], env);
    assert.equal(known.code, 0);
    assert.match(known.stderr, /^Storage: an emulator/);
    assert.ok(JSON.parse(known.stdout), "standard output is the export alone");
    const unknown = await cli(["export", "--pupil", "GHOST"], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /No pupil 'GHOST' is stored/);
  });

  it("export from an empty embedded emulator says the emulator holds no pupils at all (exit 1), not that the pupil is not stored", async function () {
    this.timeout(40_000);
    const folder = await mkdtemp(join(tmpdir(), "tidlig-empty-"));
    const result = await cli(["export", "--pupil", "P1"], { STORAGE_CONNECTION_STRING: "", LOCAL_DATA_DIR: folder, LOCAL_STORAGE_PORT: "0" });
    const [first] = result.stderr.split("\n");
    assert.match(first ?? "", /^Storage: the embedded emulator \(Azurite, local use only\) with its data in /);
    assert.ok(first?.includes(folder), first);
    assert.match(result.stderr, /The emulator holds no pupils at all/);
    assert.doesNotMatch(result.stderr, /No pupil 'P1' is stored/);
    assert.equal(result.stdout, "");
    assert.equal(result.code, 1);
  });

  it("what-if names the storage first, and says there is nothing to judge yet", async () => {
    const settings = join(await mkdtemp(join(tmpdir(), "tidlig-settings-")), "settings.json");
    await writeFile(settings, JSON.stringify({ preset: "standard" }));
    const result = await cli(["what-if", "--settings", settings], { STORAGE_CONNECTION_STRING: azuriteConnectionString(), TABLE_PREFIX: `wi${Date.now().toString(36)}` });
    assert.match(result.stderr, /^Storage: an emulator/);
    assert.equal(result.code, 2);
  });

  it("refuses to work on the embedded emulator when BOT_ID is set, and says to set STORAGE_CONNECTION_STRING", async () => {
    const folder = await mkdtemp(join(tmpdir(), "tidlig-refused-"));
    const result = await cli(["export", "--pupil", "P1"], { BOT_ID: "00000000-0000-4000-8000-00000000b07", BOT_PASSWORD: "x", BOT_TENANT_ID: "t", STORAGE_CONNECTION_STRING: "", LOCAL_DATA_DIR: folder, LOCAL_STORAGE_PORT: "0" });
    assert.match(result.stderr, /STORAGE_CONNECTION_STRING: is required when BOT_ID is set/);
    assert.equal(result.code, 1);
  });
});
