import type { AbsenceEvent } from "../../src/domain/absence";
import type { IsoDate } from "../../src/domain/dates";
import { judgePupil, type Judging, type PupilRecord } from "../../src/domain/rules/engine";
import { readAbsenceFeed, type FeedRow } from "../../src/feeds/absenceFeed";
import { inChild } from "./child";
import type { DuckdbFigures } from "./duckdbBench";
import type { BenchData } from "./generate";
import { readBenchMunicipality } from "./municipality";
import { daysPercentRule, PERCENT_RULE_ID } from "./percentRule";
import { medianSeconds } from "./timing";

export interface EvaluationBench {
  pupils: number;
  fullRuleSet: { seconds: number; perPupilMicros: number; findings: number; rules: string[] };
  percentRule: { ruleId: string; seconds: number; flagged: number; definition: string };
  duckdb: { fromFileSeconds: number; fromTableSeconds: number; flagged: number; fromTableOneThreadSeconds: number; threads: number; peakRssMb: number };
  /** percentRule.seconds divided by duckdb.fromTableSeconds. */
  ratioToDuckdb: number;
  /** The pupils the days-percent rule flags, by us and by DuckDB. */
  agreement: { both: number; onlyOurs: number; onlyDuckdb: number };
  /** Of the process that built the records and judged them. */
  peakRssMb: number;
}

interface Evaluated {
  pupils: number;
  full: { seconds: number; findings: number; rules: string[] };
  percent: { seconds: number; flagged: string[]; definition: string };
}

/** What the spill's `eventKey` compares, field by field: a text per event for 100 000 pupils is a lot of garbage. */
function sameEvent(a: AbsenceEvent, b: AbsenceEvent): boolean {
  return a.kind === b.kind && a.documented === b.documented && a.lesson === b.lesson && a.subject === b.subject && a.minutes === b.minutes && a.reason === b.reason;
}

/** Every pupil's days, built from the feed by the product's reader, as the nightly run sees them after storage. */
async function readRecords(data: BenchData, pupilIds: Iterable<string>): Promise<Map<string, Map<IsoDate, AbsenceEvent[]>>> {
  const { pupils, calendars } = await readBenchMunicipality(data);
  const days = new Map<string, Map<IsoDate, AbsenceEvent[]>>([...pupilIds].map((pupilId) => [pupilId, new Map()]));
  const sink = {
    add(row: FeedRow) {
      const byDate = days.get(row.pupilId) ?? new Map<IsoDate, AbsenceEvent[]>();
      days.set(row.pupilId, byDate);
      const events = byDate.get(row.date) ?? [];
      byDate.set(row.date, events);
      // As the spill does: an event repeated on the same day is one event.
      if (!events.some((event) => sameEvent(event, row.event))) events.push(row.event);
    },
    flush: async () => undefined,
  };
  const feed = await readAbsenceFeed(data.feed, { pupils, calendars, sink });
  if (feed.rejectedTotal > 0) throw new Error(`the product's reader rejected ${feed.rejectedTotal} rows of the benchmark's feed`);
  return days;
}

/** Builds every pupil's record (not timed), then judges all of them by the default rules, and by days-percent alone. */
export async function measureEvaluation(data: BenchData): Promise<Evaluated> {
  const { organisation, pupils, calendars } = await readBenchMunicipality(data);
  const days = await readRecords(data, pupils.keys());
  const full: [Judging, PupilRecord][] = [];
  const percent: [Judging, PupilRecord][] = [];
  let definition = "";
  for (const school of organisation.schools) {
    const calendar = calendars.get(school.id);
    if (!calendar) continue;
    const { rule, settings } = daysPercentRule(school.id);
    definition = JSON.stringify(rule);
    const judging = { calendar, asOf: data.asOf, settings };
    const percentJudging = { calendar, asOf: data.asOf, settings: { ...settings, rules: [rule] } };
    for (const pupil of pupils.values()) {
      if (pupil.schoolId !== school.id) continue;
      const record: PupilRecord = { pupilId: pupil.pupilId, days: days.get(pupil.pupilId) ?? new Map(), enrolledFrom: pupil.enrolledFrom };
      full.push([judging, record]);
      percent.push([percentJudging, record]);
    }
  }
  const fullRun = await medianSeconds(() => {
    let findings = 0;
    for (const [judging, record] of full) findings += judgePupil(judging, record).length;
    return findings;
  });
  const percentRun = await medianSeconds(() => {
    const flagged: string[] = [];
    for (const [judging, record] of percent) if (judgePupil(judging, record).length > 0) flagged.push(record.pupilId);
    return flagged;
  });
  return {
    pupils: full.length,
    full: { seconds: fullRun.seconds, findings: fullRun.result, rules: full[0]?.[0].settings.rules.map((rule) => rule.id) ?? [] },
    percent: { seconds: percentRun.seconds, flagged: percentRun.result, definition },
  };
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * Judges every pupil by the default rules as of the feed's last day, in one process, and computes the days-percent
 * rule with DuckDB in another, from the file and from a loaded table; the two sets of flagged pupils are compared.
 */
export async function benchEvaluation(data: BenchData): Promise<EvaluationBench> {
  const ours = await inChild<Evaluated>({ kind: "evaluate", data });
  const duck = await inChild<DuckdbFigures>({ kind: "duckdb", data });
  const oursFlagged = new Set(ours.result.percent.flagged);
  const duckFlagged = new Set(duck.result.flagged);
  const both = [...oursFlagged].filter((pupilId) => duckFlagged.has(pupilId)).length;
  const { full, percent } = ours.result;
  return {
    pupils: ours.result.pupils,
    fullRuleSet: { seconds: round4(full.seconds), perPupilMicros: Math.round((full.seconds * 1e6 * 100) / Math.max(1, ours.result.pupils)) / 100, findings: full.findings, rules: full.rules },
    percentRule: { ruleId: PERCENT_RULE_ID, seconds: round4(percent.seconds), flagged: oursFlagged.size, definition: percent.definition },
    duckdb: {
      fromFileSeconds: round4(duck.result.fromFileSeconds),
      fromTableSeconds: round4(duck.result.fromTableSeconds),
      fromTableOneThreadSeconds: round4(duck.result.fromTableOneThreadSeconds),
      threads: duck.result.threads,
      flagged: duckFlagged.size,
      peakRssMb: duck.peakRssMb,
    },
    ratioToDuckdb: Math.round((percent.seconds / duck.result.fromTableSeconds) * 100) / 100,
    agreement: { both, onlyOurs: oursFlagged.size - both, onlyDuckdb: duckFlagged.size - both },
    peakRssMb: ours.peakRssMb,
  };
}
