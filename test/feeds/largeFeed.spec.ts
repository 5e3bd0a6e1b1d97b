import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { calendarOf, OrganisationSchema } from "../../src/domain/organisation";
import { openStore } from "../../src/store";
import { azuriteConnectionString } from "../harness/rootHooks";
import { ORGANISATION, TEACHER, writeMunicipality } from "../harness/municipality";

const run = promisify(execFile);
const CLI = join(__dirname, "..", "..", "src", "cli.js");
const SIZE = 200 * 1024 * 1024;
const PUPILS = 200;
/** The CLI runs with a heap this small: a reader that kept the file in memory would fail, not just be slow. */
const HEAP_MB = 160;

/**
 * Writes a 200 MB export as Excel saves it (semicolons, CRLF, Norwegian dates and codes): every lesson of every
 * school day of the autumn for 200 pupils, over and over (a feed that repeats itself), and every 1000th row for a
 * pupil who is not on the roster.
 */
async function writeLargeFeed(path: string): Promise<{ rows: number; unknown: number; uniqueEvents: number; days: number }> {
  const [school] = OrganisationSchema.parse(ORGANISATION).schools;
  if (!school) throw new Error("the test municipality has no school");
  const schoolDays = calendarOf(school).schoolDaysIn("2026-08-17", "2026-11-20");
  const norwegian = schoolDays.map((date) => date.split("-").reverse().join("."));
  const out = createWriteStream(path);
  out.write("pupil_id;date;kind;documented;lesson;subject\r\n");
  let written = 0;
  let rows = 0;
  let unknown = 0;
  for (let index = 0; written < SIZE; index += 1) {
    const day = norwegian[Math.floor(index / PUPILS) % norwegian.length];
    const lesson = 1 + (Math.floor(index / (PUPILS * norwegian.length)) % 6);
    let text = `E${index % PUPILS};${day};time;ja;${lesson};MAT\r\n`;
    rows += 1;
    if (rows % 1000 === 0) {
      text += `UKJENT;${day};dag;nei;;\r\n`;
      rows += 1;
      unknown += 1;
    }
    written += text.length;
    if (!out.write(text)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return { rows, unknown, uniqueEvents: Math.min(rows, PUPILS * schoolDays.length * 6), days: PUPILS * schoolDays.length };
}

describe("a 200 MB feed", function () {
  this.timeout(600_000);

  it("is streamed through the nightly run in bounded memory: every row counted, the days stored once, the bad rows listed up to 200", async () => {
    const roster = ["pupil_id,pupil_name,school_id,group,contact_teacher_id", ...Array.from({ length: PUPILS }, (_, i) => `E${i},Elev ${i},S1,7B,${TEACHER.aadObjectId}`)].join("\n");
    const files = await writeMunicipality({ roster });
    const feed = join(files.folder, "fravaer-hele-hosten.csv");
    const expected = await writeLargeFeed(feed);
    assert.ok((await stat(feed)).size >= SIZE);
    const tablePrefix = `big${Date.now().toString(36)}`;
    try {
      const { stdout } = await run(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, "nightly", "--feed", feed, "--roster", files.roster, "--org", files.organisation, "--as-of", "2026-11-20", "--json"], {
        env: { ...process.env, STORAGE_CONNECTION_STRING: azuriteConnectionString(), TABLE_PREFIX: tablePrefix, LOG_LEVEL: "silent" },
        maxBuffer: 16 * 1024 * 1024,
      });
      const summary = JSON.parse(stdout.trim().split("\n").pop() ?? "");
      assert.equal(summary.ok, true);
      assert.equal(summary.rows, expected.rows);
      assert.equal(summary.rejectedTotal, expected.unknown);
      assert.equal(summary.rejected.length, 200, "the list of bad rows is capped");
      assert.deepEqual(summary.rejected[0], { line: 1002, reason: summary.rejected[0].reason, code: "feed.unknownPupil" });
      assert.equal(summary.accepted, expected.rows - expected.unknown);
      assert.equal(summary.duplicated, summary.accepted - expected.uniqueEvents);
      // Peak memory of the whole process: the heap limit, Node itself, and the buffers of the streams.
      assert.ok(summary.resources.peakMemoryMb < 400, `peak memory ${summary.resources.peakMemoryMb} MB`);
      process.stdout.write(`      200 MB feed: ${summary.rows} rows in ${summary.resources.seconds} s, peak memory ${summary.resources.peakMemoryMb} MB\n`);

      const store = await openStore({ connectionString: azuriteConnectionString(), tablePrefix });
      const stored = await store.absence.listSchool("S1");
      assert.equal([...stored.values()].reduce((sum, days) => sum + days.length, 0), expected.days);
      assert.equal(stored.get("E7")?.[0]?.events.length, 6, "a day holds each of its lessons once");
    } finally {
      await rm(feed, { force: true });
    }
  });
});
