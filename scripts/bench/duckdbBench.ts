import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import type { BenchData } from "./generate";
import { readBenchMunicipality } from "./municipality";
import { daysPercentRule, type DaysPercentRule } from "./percentRule";
import { medianSeconds } from "./timing";

export interface DuckdbFigures {
  fromFileSeconds: number;
  fromTableSeconds: number;
  fromTableOneThreadSeconds: number;
  threads: number;
  flagged: string[];
}

const text = (value: string) => `'${value.replace(/'/g, "''")}'`;

const FEED_COLUMNS = "{'pupil_id': 'VARCHAR', 'date': 'DATE', 'kind': 'VARCHAR', 'documented': 'VARCHAR', 'lesson': 'INTEGER', 'subject': 'VARCHAR', 'minutes': 'INTEGER', 'reason': 'VARCHAR'}";
const ROSTER_COLUMNS = "{'pupil_id': 'VARCHAR', 'pupil_name': 'VARCHAR', 'school_id': 'VARCHAR', 'group': 'VARCHAR', 'grade': 'INTEGER', 'contact_teacher_id': 'VARCHAR', 'enrolled_from': 'DATE'}";

const readFeed = (path: string) => `read_csv(${text(path)}, header = true, delim = ',', columns = ${FEED_COLUMNS})`;
const readRosterFile = (path: string) => `read_csv(${text(path)}, header = true, delim = ',', columns = ${ROSTER_COLUMNS})`;

/**
 * The days-percent rule in SQL, from the rule's parameters: of the window's school days on or after the pupil's first
 * counted day, the share with an event of a counted kind, rounded to one decimal as the engine does, against the
 * threshold. Only pupils enrolled at least the minimum number of school days are judged, and nothing fires at 0.
 */
function percentQuery(rule: DaysPercentRule, feed: string, roster: string): string {
  const documented = rule.documented === "documented" ? " AND a.documented = 'yes'" : rule.documented === "undocumented" ? " AND a.documented = 'no'" : "";
  // Written for DuckDB to do well: only the window's rows of counted kinds are joined (three times faster than
  // joining every window day of every pupil to the distinct absent days).
  return `
    WITH judged AS (
      SELECT r.pupil_id, r.school_id, greatest(coalesce(r.enrolled_from, s.year_from), s.year_from) AS first_day
      FROM ${roster} r JOIN bench_schools s USING (school_id)
      WHERE greatest(coalesce(r.enrolled_from, s.year_from), s.year_from) <= s.latest_first_day
    ),
    window_days AS (
      SELECT j.pupil_id, count(*) AS school_days
      FROM judged j JOIN bench_window w ON w.school_id = j.school_id AND w.date >= j.first_day
      GROUP BY j.pupil_id
    ),
    absent_days AS (
      SELECT j.pupil_id, count(DISTINCT a.date) AS absent
      FROM ${feed} a
      JOIN judged j ON j.pupil_id = a.pupil_id
      JOIN bench_window w ON w.school_id = j.school_id AND w.date = a.date
      WHERE a.kind IN (${rule.kinds.map(text).join(", ")})${documented} AND a.date >= j.first_day
      GROUP BY j.pupil_id
    )
    SELECT pupil_id FROM absent_days JOIN window_days USING (pupil_id)
    WHERE absent > 0 AND round(absent::DOUBLE / school_days * 100, 1) ${rule.inclusive ? ">=" : ">"} ${rule.minPercent}`;
}

async function flaggedBy(connection: DuckDBConnection, sql: string): Promise<string[]> {
  return (await connection.runAndReadAll(sql)).getRows().map(([pupilId]) => String(pupilId));
}

/**
 * The school days the rule looks at, from the product's calendar of each school: the window's days, and the latest
 * first day that still leaves the minimum enrolment before the day judged.
 */
async function loadCalendars(connection: DuckDBConnection, data: BenchData): Promise<DaysPercentRule> {
  const { organisation, calendars } = await readBenchMunicipality(data);
  const schools: string[] = [];
  const windows: string[] = [];
  let percentRule: DaysPercentRule | undefined;
  for (const school of organisation.schools) {
    const calendar = calendars.get(school.id);
    if (!calendar) continue;
    const { rule, settings } = daysPercentRule(school.id);
    if (percentRule && JSON.stringify(percentRule) !== JSON.stringify(rule)) throw new Error("the schools judge days-percent differently: the query takes one rule");
    percentRule = rule;
    const minimum = settings.minEnrolledSchoolDays;
    const enough = minimum === 0 ? [data.asOf] : calendar.lastSchoolDays(data.asOf, minimum);
    const latestFirstDay = enough.length === Math.max(1, minimum) ? `DATE ${text(enough[0] as string)}` : "NULL::DATE";
    schools.push(`(${text(school.id)}, DATE ${text(calendar.schoolYear.from)}, ${latestFirstDay})`);
    for (const date of calendar.lastSchoolDays(data.asOf, rule.window.schoolDays)) windows.push(`(${text(school.id)}, DATE ${text(date)})`);
  }
  if (!percentRule) throw new Error("the organisation has no school");
  await connection.run(`CREATE TEMP TABLE bench_schools AS SELECT * FROM (VALUES ${schools.join(", ")}) AS t(school_id, year_from, latest_first_day)`);
  await connection.run(`CREATE TEMP TABLE bench_window AS SELECT * FROM (VALUES ${windows.join(", ")}) AS t(school_id, date)`);
  return percentRule;
}

/** The days-percent rule with DuckDB: end to end from the CSV files, and from tables already loaded. */
export async function measureDuckdb(data: BenchData): Promise<DuckdbFigures> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const rule = await loadCalendars(connection, data);
    const threads = Number((await connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0]?.[0]);
    const fromFile = await medianSeconds(() => flaggedBy(connection, percentQuery(rule, readFeed(data.feed), readRosterFile(data.roster))));
    await connection.run(`CREATE TABLE absence AS SELECT * FROM ${readFeed(data.feed)}`);
    await connection.run(`CREATE TABLE roster AS SELECT * FROM ${readRosterFile(data.roster)}`);
    const fromTable = await medianSeconds(() => flaggedBy(connection, percentQuery(rule, "absence", "roster")));
    const fromFileSet = [...fromFile.result].sort().join(",");
    if (fromFileSet !== [...fromTable.result].sort().join(",")) throw new Error("DuckDB flags other pupils from the file than from the table");
    await connection.run("SET threads = 1");
    const oneThread = await medianSeconds(() => flaggedBy(connection, percentQuery(rule, "absence", "roster")));
    return { fromFileSeconds: fromFile.seconds, fromTableSeconds: fromTable.seconds, fromTableOneThreadSeconds: oneThread.seconds, threads, flagged: fromTable.result };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
