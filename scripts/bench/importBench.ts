import { DEFAULT_WORK_DIR } from "../../src/config";
import { DaySpill } from "../../src/feeds/daySpill";
import { readAbsenceFeed } from "../../src/feeds/absenceFeed";
import { inChild } from "./child";
import type { BenchData } from "./generate";
import { readBenchMunicipality } from "./municipality";

export interface ImportFigures {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  /** Rows the reader accepted and rejected (csv-parse accepts every record). */
  accepted: number;
  rejected: number;
}

export interface ImportBench {
  whole: ImportFigures;
  delta: ImportFigures;
  csvParseBaseline: ImportFigures;
  /** The whole feed's rows per second divided by the baseline's. */
  ratioToBaseline: number;
}

interface Measured {
  rows: number;
  accepted: number;
  rejected: number;
  seconds: number;
  pupilDays?: number;
}

/**
 * What the nightly run does with a feed before storage: read it into a DaySpill and go through the spilled pupil
 * days. The organisation and roster are read first and not timed.
 */
export async function measureFeedImport(data: BenchData, file: "whole" | "delta"): Promise<Measured> {
  const { pupils, calendars } = await readBenchMunicipality(data);
  const spill = new DaySpill({ workDir: DEFAULT_WORK_DIR });
  const started = performance.now();
  try {
    const feed = await readAbsenceFeed(file === "whole" ? data.feed : data.delta, { pupils, calendars, sink: spill });
    let pupilDays = 0;
    for await (const bucket of spill.days()) pupilDays += bucket.days.length;
    return { rows: feed.rows, accepted: feed.acceptedCount, rejected: feed.rejectedTotal, pupilDays, seconds: (performance.now() - started) / 1000 };
  } finally {
    await spill.cleanup();
  }
}

function figures({ result, peakRssMb }: { result: Measured; peakRssMb: number }): ImportFigures {
  const { rows, seconds, accepted, rejected } = result;
  return { rows, seconds: round3(seconds), rowsPerSecond: Math.round(rows / seconds), peakRssMb, accepted, rejected };
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Imports the whole feed and the delta, and parses the whole feed with csv-parse alone, each in a process of its own. */
export async function benchImport(data: BenchData): Promise<ImportBench> {
  const whole = figures(await inChild<Measured>({ kind: "import", data, file: "whole" }));
  const delta = figures(await inChild<Measured>({ kind: "import", data, file: "delta" }));
  const baseline = await inChild<Omit<Measured, "accepted" | "rejected">>({ kind: "csv-parse", path: data.feed });
  const csvParseBaseline = figures({ ...baseline, result: { ...baseline.result, accepted: baseline.result.rows, rejected: 0 } });
  return { whole, delta, csvParseBaseline, ratioToBaseline: Math.round((whole.rowsPerSecond / csvParseBaseline.rowsPerSecond) * 1000) / 1000 };
}
