import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { openStore } from "../src/store";
import { azuriteConnectionString } from "./harness/rootHooks";
import { TEACHER, writeMunicipality } from "./harness/municipality";

const run = promisify(execFile);
const CLI = join(__dirname, "..", "src", "cli.js");

async function nightlyCli(args: string[], tablePrefix: string) {
  try {
    const { stdout } = await run(process.execPath, [CLI, "nightly", ...args], {
      env: { ...process.env, STORAGE_CONNECTION_STRING: azuriteConnectionString(), TABLE_PREFIX: tablePrefix, LOG_LEVEL: "silent" },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe("npm run nightly (the nightly job from a terminal)", () => {
  it("ends its output with one JSON line: rows, accepted, rejected, casesOpened, notificationsQueued", async () => {
    const files = await writeMunicipality({ feed: "pupil_id,date,kind,documented\nP1,2026-11-02,day,no\nGHOST,2026-11-03,day,no\nP1,2026-11-19,day,yes\n" });
    const prefix = `cli${Date.now().toString(36)}`;
    const { code, stdout } = await nightlyCli(["--feed", files.feed, "--roster", files.roster, "--org", files.organisation, "--as-of", "2026-11-20", "--json"], prefix);
    assert.equal(code, 0);
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
