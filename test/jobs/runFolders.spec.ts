import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sweepRunFolders } from "../../src/feeds/runFolder";
import { nightly } from "../harness/bot";
import { startBotProcess, until } from "../harness/botProcess";
import { TEACHER, writeMunicipality } from "../harness/municipality";
import { azuriteConnectionString } from "../harness/rootHooks";
import { freshStore } from "../harness/store";

const run = promisify(execFile);
const CLI = join(__dirname, "..", "..", "src", "cli.js");
const HOST = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);

/** What a run may leave of a pupil in a folder: its run folders (a spill, a downloaded feed). */
async function runFolders(...folders: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const folder of folders) found.push(...(await readdir(folder).catch(() => [])).filter((name) => name.startsWith("tidlig-spill-") || name.startsWith("tidlig-feed-")));
  return found;
}

/** The id of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid as number;
}

/** A municipality large enough that a run takes a while: 3000 pupils with ten days of absence each. */
async function largeMunicipality() {
  const pupils = Array.from({ length: 3000 }, (_, index) => `Q${index}`);
  const days = ["2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"];
  const roster = ["pupil_id,pupil_name,school_id,group,contact_teacher_id", ...pupils.map((id) => `${id},Elev ${id},S1,7B,${TEACHER.aadObjectId}`)].join("\n");
  const feed = ["pupil_id,date,kind,documented", ...pupils.flatMap((id) => days.map((date) => `${id},${date},day,no`))].join("\n");
  return writeMunicipality({ roster, feed });
}

describe("nothing of a pupil stays on disk after a nightly run", () => {
  let work: string;
  let tmp: string;
  const before = process.env.TMPDIR;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), "tidlig-work-test-"));
    tmp = await mkdtemp(join(tmpdir(), "tidlig-tmp-test-"));
  });

  afterEach(() => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  });

  it("a run that finds the lease taken by another run leaves no temporary files", async () => {
    const store = await freshStore();
    const files = await writeMunicipality();
    assert.ok(await store.nightlyLease.acquire("another-instance", new Date(), 60_000));
    // Whatever the code takes for the system's temporary folder, it is this test's own.
    process.env.TMPDIR = tmp;
    const summary = await nightly(store, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20", workDir: work });
    assert.equal(summary.skipped, "another-run-in-progress");
    assert.deepEqual(await runFolders(work, tmp), []);
  });

  it("a sweep removes the folders of a process that is gone and of any run older than a day, and keeps the folder of a run still going", async () => {
    const living = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      const gone = `tidlig-spill-${HOST}-${await deadPid()}-abc123`;
      const going = `tidlig-spill-${HOST}-${living.pid}-def456`;
      const otherMachineOld = "tidlig-feed-0badc0de-4242-ghi789";
      const otherMachineNow = "tidlig-spill-0badc0de-4243-jkl012";
      for (const name of [gone, going, otherMachineOld, otherMachineNow, "not-a-run-folder"]) {
        await mkdir(join(work, name));
        await writeFile(join(work, name, "0.ndjson"), "S1\u001fP1\u001f2026-11-20\u001fday\u001fno\n");
      }
      const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
      await utimes(join(work, otherMachineOld), twoDaysAgo, twoDaysAgo);
      assert.equal(await sweepRunFolders(work), 2);
      assert.deepEqual((await readdir(work)).sort(), [going, "not-a-run-folder", otherMachineNow].sort());
    } finally {
      living.kill("SIGKILL");
    }
  });

  it("the folder of a run killed with kill -9 in the middle is removed when the next run starts", async function () {
    this.timeout(90_000);
    const files = await largeMunicipality();
    const prefix = `kill${Date.now().toString(36)}`;
    const env = { ...process.env, STORAGE_CONNECTION_STRING: azuriteConnectionString(), TABLE_PREFIX: prefix, LOG_LEVEL: "silent", WORK_DIR: work, TMPDIR: tmp };
    const args = [CLI, "nightly", "--feed", files.feed, "--roster", files.roster, "--org", files.organisation, "--as-of", "2026-11-20"];
    const child = spawn(process.execPath, args, { env, stdio: "ignore" });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await until(async () => (await runFolders(work, tmp)).length > 0 || child.exitCode !== null, "the run's spill folder", 30_000);
    child.kill("SIGKILL");
    await exited;
    assert.equal((await runFolders(work, tmp)).length, 1, "killed mid-run, the spill is still there");

    await files.replaceFeed("pupil_id,date,kind,documented\nQ1,2026-11-23,day,no\n");
    await run(process.execPath, [...args.slice(0, -1), "2026-11-23"], { env });
    assert.deepEqual(await runFolders(work, tmp), [], "the next run removed it");
  });

  it("the bot stopped with SIGTERM in the middle of a run removes the run's files before it exits", async function () {
    this.timeout(90_000);
    const files = await largeMunicipality();
    // No run is recorded, so the bot catches up on the missed nightly run as it starts.
    const bot = await startBotProcess(`term${Date.now().toString(36)}`, { ORGANISATION_FILE: files.organisation, ROSTER_FILE: files.roster, FEED_FILE: files.feed, WORK_DIR: work, TMPDIR: tmp });
    try {
      const exited = new Promise((resolve) => bot.process.once("exit", resolve));
      await until(async () => (await runFolders(work, tmp)).length > 0, "the run's spill folder", 30_000);
      bot.process.kill("SIGTERM");
      await exited;
      assert.deepEqual(await runFolders(work, tmp), []);
    } finally {
      await bot.kill();
    }
  });
});
