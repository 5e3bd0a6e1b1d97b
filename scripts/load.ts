/**
 * Load on the answer path, as Teams would bring it: many contact teachers answering their step 1 cards at a steady
 * rate, over HTTP to the running bot, against the embedded Azurite.
 *   npm run load -- [--teachers 200] [--rate 100] [--seconds 60] [--json]
 * Reports requests, errors, answers stored (none lost, none twice) and latency percentiles.
 */
import { DEFAULT_WORK_DIR } from "../src/config";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { clockFrom } from "../src/demo/startDemo";
import type { AbsenceCase } from "../src/domain/cases";
import { translator } from "../src/i18n";
import { runNightly } from "../src/jobs/nightly";
import { silentLogger } from "../src/log";
import { openStore } from "../src/store";
import { startEmbeddedAzurite } from "../src/store/embeddedAzurite";
import { TASK_VERB } from "../src/teams/cards";
import { startBotServer } from "../src/teams/botServer";

export const TENANT = "00000000-0000-4000-8000-0000000000aa";
// 3 of the last 20 school days (15 %): step 1 of the standard rules, the follow-up card.
const SCHOOL_DAYS = ["2026-11-16", "2026-11-18", "2026-11-20"];
const ANSWERS = { guardiansContacted: "yes", guardiansContactedOn: "2026-11-23", guardiansResult: "agreed", documented: "partly", cause: "known", pupilHeard: "yes", nurseInformed: "no" };

export interface LoadReport {
  teachers: number;
  cases: number;
  rate: number;
  seconds: number;
  requests: number;
  errors: number;
  answersStored: number;
  answeredTwice: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  achievedRate: number;
}

export const teacherId = (n: number) => `10000000-0000-4000-8000-${n.toString().padStart(12, "0")}`;

/** Flagged pupils of one school: a large school's worth, so that 6 000 cases spread over 30 schools. */
const CASES_PER_SCHOOL = 200;
const schoolOf = (teacher: number, teachersPerSchool: number) => `L${Math.floor(teacher / teachersPerSchool) + 1}`;

/**
 * A municipality whose `teachers` contact teachers each have `perTeacher` pupils absent 3 days of the last 20,
 * spread over as many schools as it takes for about CASES_PER_SCHOOL flagged pupils each.
 */
export async function writeMunicipality(folder: string, teachers: number, perTeacher: number): Promise<{ organisation: string; roster: string; feed: string; schoolIds: string[] }> {
  const schools = Math.max(1, Math.ceil((teachers * perTeacher) / CASES_PER_SCHOOL));
  const teachersPerSchool = Math.ceil(teachers / schools);
  const schoolIds = Array.from({ length: schools }, (_, index) => `L${index + 1}`);
  const organisation = {
    municipality: "Lastvik kommune (synthetic)",
    timeZone: "Europe/Oslo",
    schools: schoolIds.map((id) => ({ id, name: `Lastvik skole ${id}`, leaders: [teacherId(99_999)], calendar: { schoolYear: { from: "2026-08-17", to: "2027-06-18" }, closed: [] } })),
    coordinators: [teacherId(99_998)],
  };
  const roster = ["pupil_id,pupil_name,school_id,group,contact_teacher_id"];
  const feed = ["pupil_id,date,kind,documented"];
  for (let teacher = 0; teacher < teachers; teacher += 1) {
    for (let index = 0; index < perTeacher; index += 1) {
      const pupil = `E${teacher}x${index}`;
      roster.push(`${pupil},Elev ${pupil},${schoolOf(teacher, teachersPerSchool)},G${teacher},${teacherId(teacher)}`);
      for (const day of SCHOOL_DAYS) feed.push(`${pupil},${day},day,no`);
    }
  }
  const files = { organisation: join(folder, "organisation.json"), roster: join(folder, "roster.csv"), feed: join(folder, "feed.csv"), schoolIds };
  await writeFile(files.organisation, JSON.stringify(organisation));
  await writeFile(files.roster, roster.join("\n"));
  await writeFile(files.feed, feed.join("\n"));
  return files;
}

/** A contact teacher's answer to the step 1 card of a case, as Teams invokes it (Action.Execute). */
export function answerActivity(absenceCase: AbsenceCase, serviceUrl: string): Record<string, unknown> {
  const user = absenceCase.teacherIds[0] ?? "";
  return {
    id: randomUUID(),
    type: "invoke",
    name: "adaptiveCard/action",
    channelId: "msteams",
    serviceUrl,
    from: { id: `29:${user}`, aadObjectId: user, name: "Lærer" },
    recipient: { id: "28:tidlig-bot", name: "Tidlig" },
    conversation: { id: `a:${user}`, conversationType: "personal", tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    value: { action: { type: "Action.Execute", verb: TASK_VERB, data: { caseId: absenceCase.caseId, schoolId: absenceCase.schoolId, serial: absenceCase.current?.serial ?? 1, ...ANSWERS } }, trigger: "manual" },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
}

/** Runs the load and reports; every case gets exactly one answer, sent at `rate` per second. */
export async function runLoad(options: { teachers: number; rate: number; seconds: number }): Promise<LoadReport> {
  const cases = Math.round(options.rate * options.seconds);
  const perTeacher = Math.ceil(cases / options.teachers);
  const folder = await mkdtemp(join(tmpdir(), "tidlig-load-"));
  const azurite = await startEmbeddedAzurite();
  const clock = clockFrom("2026-11-23T09:00:00Z");
  try {
    const store = await openStore({ connectionString: azurite.connectionString, tablePrefix: `load${Date.now().toString(36)}` });
    const files = await writeMunicipality(folder, options.teachers, perTeacher);
    await runNightly({ store, clock, logger: silentLogger, t: translator("nb") }, { feedPath: files.feed, rosterPath: files.roster, organisationPath: files.organisation, asOf: "2026-11-20", workDir: DEFAULT_WORK_DIR });
    const all = (await Promise.all(files.schoolIds.map((schoolId) => store.cases.listSchool(schoolId)))).flat().map((stored) => stored.value);
    // Interleaved by school, as answers from a whole municipality come in.
    const bySchool = files.schoolIds.map((schoolId) => all.filter((value) => value.schoolId === schoolId));
    const open = Array.from({ length: Math.max(...bySchool.map((list) => list.length)) }, (_, index) => bySchool.flatMap((list) => (list[index] ? [list[index]] : []))).flat().slice(0, cases);
    const bot = await startBotServer({
      config: { PORT: 0, BOT_ID: undefined, BOT_PASSWORD: undefined, BOT_TENANT_ID: TENANT, BOT_TYPE: "SingleTenant", BOT_SERVICE_URL: undefined, OUTBOX_POLL_SECONDS: 3600, DEFAULT_LOCALE: "nb" },
      store,
      clock,
      logger: silentLogger,
    });
    const latencies: number[] = [];
    let errors = 0;
    const answer = async (absenceCase: (typeof open)[number]) => {
      const activity = answerActivity(absenceCase, "http://127.0.0.1:9/");
      const started = performance.now();
      try {
        const response = await fetch(`${bot.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
        const body = await response.text();
        if (response.status !== 200 || !body.includes("Besvart")) errors += 1;
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - started);
    };
    // Open loop: requests leave on schedule whether or not earlier ones have been answered, as Teams users would.
    const began = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let index = 0; index < open.length; index += 1) {
      const due = began + (index * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(answer(open[index] as (typeof open)[number]));
    }
    await Promise.all(inFlight);
    const elapsed = (performance.now() - began) / 1000;
    await bot.close();
    const after = (await Promise.all(files.schoolIds.map((schoolId) => store.cases.listSchool(schoolId)))).flat().map((stored) => stored.value);
    const answered = after.filter((value) => value.done.some((task) => task.task === "follow-up" && task.answeredAt));
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      teachers: options.teachers,
      cases: open.length,
      rate: options.rate,
      seconds: options.seconds,
      requests: latencies.length,
      errors,
      answersStored: answered.length,
      answeredTwice: after.filter((value) => value.done.filter((task) => task.task === "follow-up").length > 1).length,
      latencyMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: Math.round(sorted[sorted.length - 1] ?? 0) },
      achievedRate: Math.round((latencies.length / elapsed) * 10) / 10,
    };
  } finally {
    await azurite.close();
    await rm(folder, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { teachers: { type: "string", default: "200" }, rate: { type: "string", default: "100" }, seconds: { type: "string", default: "60" }, json: { type: "boolean", default: false } } });
  const report = await runLoad({ teachers: Number(values.teachers), rate: Number(values.rate), seconds: Number(values.seconds) });
  if (values.json) console.log(JSON.stringify(report));
  else {
    console.log(`${report.requests} answers from ${report.teachers} teachers at ${report.achievedRate}/s (asked ${report.rate}/s for ${report.seconds} s)`);
    console.log(`errors ${report.errors}, answers stored ${report.answersStored} of ${report.cases}, answered twice ${report.answeredTwice}`);
    console.log(`latency p50 ${report.latencyMs.p50} ms, p95 ${report.latencyMs.p95} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
