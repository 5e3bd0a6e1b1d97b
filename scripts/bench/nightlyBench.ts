/**
 * The nightly run end to end, as a municipality runs it (`npm run nightly` in a process of its own, on Azurite):
 * first the night a whole year is imported at once (the first night, or a whole-year re-export), then an ordinary
 * night with a one-day delta.
 */
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { calendarOf } from "../../src/domain/organisation";
import { readOrganisationFile } from "../../src/feeds/organisationFile";
import type { NightlySummary } from "../../src/jobs/nightly";
import { startEmbeddedAzurite } from "../../src/store/embeddedAzurite";
import type { BenchData } from "./generate";

export interface NightFigures {
  asOf: string;
  rows: number;
  seconds: number;
  peakRssMb: number;
  casesOpened: number;
  casesAdvanced: number;
  casesEscalated: number;
  notificationsQueued: number;
}

export interface NightlyReport {
  wholeYear: NightFigures;
  delta: NightFigures;
}

const CLI = join(__dirname, "..", "..", "src", "cli.js");

/** The feed without its last day: what was known the night before the delta. */
async function feedBefore(feed: string, lastDay: string, out: string): Promise<void> {
  const writer = createWriteStream(out);
  const needle = `,${lastDay},`;
  for await (const line of createInterface({ input: createReadStream(feed), crlfDelay: Infinity })) {
    if (!line.includes(needle)) writer.write(`${line}\n`);
  }
  await new Promise<void>((resolve, reject) => writer.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** Runs one night through the CLI and returns its JSON summary and what it cost. */
function night(connectionString: string, data: BenchData, feed: string, asOf: string): Promise<NightFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--no-deprecation", CLI, "nightly", "--feed", feed, "--roster", data.roster, "--org", data.organisation, "--as-of", asOf, "--json"], {
      env: { ...process.env, STORAGE_CONNECTION_STRING: connectionString, TABLE_PREFIX: "bench", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      const last = output.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`the nightly run ended with ${code}: ${last.slice(0, 300)}`));
      const summary = JSON.parse(last) as NightlySummary & { resources: { seconds: number; peakMemoryMb: number } };
      resolve({
        asOf,
        rows: summary.rows,
        seconds: summary.resources.seconds,
        peakRssMb: summary.resources.peakMemoryMb,
        casesOpened: summary.casesOpened,
        casesAdvanced: summary.casesAdvanced,
        casesEscalated: summary.casesEscalated,
        notificationsQueued: summary.notificationsQueued,
      });
    });
  });
}

export async function benchNightly(data: BenchData): Promise<NightlyReport> {
  const organisation = await readOrganisationFile(data.organisation);
  const school = organisation.schools[0];
  if (!school) throw new Error("the bench organisation has no school");
  const [dayBefore] = calendarOf(school).lastSchoolDays(data.asOf, 2);
  if (!dayBefore) throw new Error("the bench year has a single school day");
  const earlier = join(data.dir, "feed-before-last-day.csv");
  await feedBefore(data.feed, data.asOf, earlier);
  const azurite = await startEmbeddedAzurite();
  try {
    const wholeYear = await night(azurite.connectionString, data, earlier, dayBefore);
    const delta = await night(azurite.connectionString, data, data.delta, data.asOf);
    return { wholeYear, delta };
  } finally {
    await azurite.close();
  }
}
