import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Clock } from "../clock";
import type { AbsenceEvent, PupilDay } from "../domain/absence";
import { closeCase, decideCase, decideReturn, hasPendingWork, isOpen, noteChange, reassign, remindOrEscalate, withdrawReturn, type AbsenceCase } from "../domain/cases";
import { localInstant, nextDeliveryTime, nextSchoolDay } from "../domain/delivery";
import { addDays, dateInZone, type IsoDate } from "../domain/dates";
import { calendarOf, type Organisation } from "../domain/organisation";
import type { SchoolCalendar } from "../domain/calendar";
import type { Pupil } from "../domain/roster";
import { NudgeBudget } from "../domain/nudgeBudget";
import { detectReturn } from "../domain/returnToSchool";
import { judgePupil } from "../domain/rules/engine";
import { severityOf, sortBySeverity } from "../domain/severity";
import type { Finding } from "../domain/rules/finding";
import { DEFAULT_SETTINGS_DOCUMENT, settingsForSchool, settingsFromOrganisation, taskDeadlines, type Settings, type SettingsDocument } from "../domain/settings";
import { readAbsenceFeed, type AbsenceFeed } from "../feeds/absenceFeed";
import { FeedMappingSchema } from "../feeds/mapping";
import { readOrganisationFile } from "../feeds/organisationFile";
import { describeProblem, FileRejected, type RowRejection } from "../feeds/problem";
import { DaySpill, eventKey } from "../feeds/daySpill";
import { sweepRunFolders } from "../feeds/runFolder";
import { readRoster, type Roster } from "../feeds/rosterFile";
import { resolveFeed, type SourceOptions } from "../feeds/sources";
import type { Translate } from "../i18n";
import { applyRetention } from "./pupilData";
import { errorCode, isStorageDown } from "./runFailure";
import { loadSchoolSnapshot } from "./schoolSnapshot";
import type { Logger } from "../log";
import type { Store } from "../store";
import type { SchoolPupilDay } from "../store/absenceRepository";
import { handOverNotices } from "../store/caseNotices";
import { rosterKey } from "../store/pupilRepository";

export interface NightlyInput {
  feedPath: string;
  rosterPath: string;
  organisationPath: string;
  /** The last day the run judges; by default yesterday in the organisation's time zone (the day that has ended). */
  asOf?: IsoDate | undefined;
  /** Read and evaluate, but store nothing and queue nothing. */
  dryRun?: boolean | undefined;
  /** How to reach a feed that is not a local file (a folder's pattern, a blob account, a bearer token). */
  feedSource?: Omit<SourceOptions, "workDir"> | undefined;
  /** The work folder (WORK_DIR) for the run's temporary files: they are deleted when the run ends, however it ends. */
  workDir: string;
  /**
   * A scheduled run, which every instance starts: skipped when this night's run has finished already (an instance
   * whose clock is a little behind gets the lease after the others' run). A run started by hand always runs.
   */
  oncePerNight?: boolean | undefined;
  /** Set by the watchdog (`runNightlyWithin`): stops the run between its steps, and shows where it was. */
  watch?: RunWatch | undefined;
}

/** The steps of a run, in order: where a run that failed or hung had got to. */
export type RunStep = "start" | "organisation" | "roster" | "feed" | "import" | "schools" | "record";

/** A run that did not end well: stopped at its deadline, stopped with the process, or failed with an error. */
export interface RunFailure {
  code: "deadline" | "stopped" | "error";
  /** For an error: the storage, the work folder's disk, or the program. */
  cause?: "storage" | "disk" | "internal" | undefined;
  step: RunStep;
  /** The deadline, for a run stopped at it. */
  minutes?: number | undefined;
  /** For the operator: what went wrong, in a developer's words; for an error its kind only (the log has its message). */
  reason: string;
}

export interface RunWatch {
  readonly signal: AbortSignal;
  /** The run's deadline: the lease is held that long at most (longer than NIGHTLY_LEASE_MS, when it is). */
  readonly deadlineMs?: number | undefined;
  step: RunStep;
  /** The run's summary as far as it got. */
  summary?: NightlySummary | undefined;
  /** The organisation the run read, whose coordinators are told when it fails. */
  organisation?: Organisation | undefined;
}

/** Marks the next step of a run, unless the run was told to stop: then it stops here. */
function reach(watch: RunWatch | undefined, step: RunStep): void {
  if (!watch) return;
  watch.signal.throwIfAborted();
  watch.step = step;
}

export interface RejectedRow {
  line: number;
  reason: string;
  code: string;
}

export interface NightlySummary {
  ok: boolean;
  asOf: IsoDate | null;
  dryRun: boolean;
  rows: number;
  accepted: number;
  /** Days read again with other events than stored: corrections. */
  corrected: number;
  /** Rows identical to an earlier row of the same file, counted once. */
  duplicated: number;
  /** Days read again exactly as stored: nothing to change. */
  unchangedDays: number;
  /** The rejected rows, at most REJECTED_LISTED of them; `rejectedTotal` counts them all. */
  rejected: RejectedRow[];
  rejectedTotal: number;
  /** The roster's rejected rows, at most REJECTED_LISTED of them; `rejectedTotal` counts them all. */
  roster: { rows: number; accepted: number; rejected: RejectedRow[]; rejectedTotal: number };
  casesOpened: number;
  casesAdvanced: number;
  casesEscalated: number;
  /** Pupils back at school after a long absence whose contact teacher got the return questions. */
  casesReturned: number;
  /** Return tasks taken back because a correction showed the pupil absent on the day read as the return. */
  returnsWithdrawn?: number;
  /** Open cases closed because the pupil left the school or moved to another. */
  casesClosed: number;
  /** Deleted by the retention period: closed cases, and pupils long off the roster. */
  casesDeleted: number;
  pupilsDeleted: number;
  remindersQueued: number;
  notificationsQueued: number;
  /** Cases that failed tonight (left for the next run, which finishes them); the first FAILED_CASES_LISTED are listed. */
  casesFailed: number;
  failedCases: { schoolId: string; caseId: string; reason: string }[];
  /** The version of the settings the run judged by. */
  settingsVersion: number;
  /** Set when a whole file was rejected; then nothing stored has changed. */
  fileRejected?: { file: string; reason: string; code: string };
  /** Set when another run held the lease; then this run did nothing. */
  skipped?: string;
  /** Where the feed came from (a file, the newest in a folder or container, a URL). */
  feedFile?: string;
  /** Set when no new feed came for a school day (the file was processed before), or the feed stops too early. */
  feedAlarm?: FeedAlarm;
  /** Set when the run did not finish: then it is recorded as failed and the coordinators are told. */
  failure?: RunFailure;
}

export interface NightlyDependencies {
  store: Store;
  clock: Clock;
  logger: Logger;
  t: Translate;
}

export const NIGHTLY_LEASE_MS = 30 * 60 * 1000;
/** A scheduled run finds this night's run done when a run of the same day started within this. */
const SAME_NIGHT_MS = 12 * 60 * 60 * 1000;
/** A file with thousands of bad rows is summarised: the first ones by line, and how many in all. */
export const REJECTED_LISTED = 200;

export function emptySummary(dryRun: boolean): NightlySummary {
  return {
    ok: false,
    asOf: null,
    dryRun,
    rows: 0,
    accepted: 0,
    corrected: 0,
    duplicated: 0,
    unchangedDays: 0,
    rejected: [],
    rejectedTotal: 0,
    roster: { rows: 0, accepted: 0, rejected: [], rejectedTotal: 0 },
    casesOpened: 0,
    casesAdvanced: 0,
    casesEscalated: 0,
    casesReturned: 0,
    casesClosed: 0,
    casesDeleted: 0,
    pupilsDeleted: 0,
    remindersQueued: 0,
    notificationsQueued: 0,
    casesFailed: 0,
    failedCases: [],
    settingsVersion: 0,
  };
}

function dayKey(events: readonly AbsenceEvent[]): string {
  return events.map(eventKey).sort().join("\n");
}

/**
 * What is stored for the schools of a feed on the days the feed covers, as one line a day, to tell corrections
 * from days read again. A nightly delta of one day reads one day back, not the year.
 */
async function storedDayKeys(store: Store, schoolIds: Iterable<string>, between: { from: IsoDate; to: IsoDate } | undefined): Promise<Map<string, string>> {
  const known = new Map<string, string>();
  if (!between) return known;
  for (const schoolId of schoolIds) {
    for (const [pupilId, days] of await store.absence.listSchool(schoolId, between)) {
      for (const day of days) known.set(`${pupilId}\u0000${day.date}`, dayKey(day.events));
    }
  }
  return known;
}

/**
 * Writes the feed's days a bucket at a time: new days and corrections are stored, days read again as they were
 * are not. In a dry run nothing is written; the days are returned so the rules can judge them as if stored.
 */
async function importDays(store: Store, spill: DaySpill, schoolIds: string[], dryRun: boolean, summary: NightlySummary, watch: RunWatch | undefined): Promise<SchoolPupilDay[]> {
  const between = spill.firstDate && spill.lastDate ? { from: spill.firstDate, to: spill.lastDate } : undefined;
  const known = await storedDayKeys(store, schoolIds, between);
  const kept: SchoolPupilDay[] = [];
  for await (const bucket of spill.days()) {
    reach(watch, "import");
    summary.duplicated += bucket.duplicated;
    const changed: SchoolPupilDay[] = [];
    for (const day of bucket.days) {
      const before = known.get(`${day.pupilId}\u0000${day.date}`);
      if (before === dayKey(day.events)) summary.unchangedDays += 1;
      else {
        if (before !== undefined) summary.corrected += 1;
        changed.push(day);
      }
    }
    if (dryRun) kept.push(...changed);
    else await store.absence.replaceDays(changed);
  }
  return kept;
}

/**
 * The nightly job: read the organisation, roster and feed; store the corrected days; check every pupil against
 * the rules; open cases; escalate unanswered ones; and hand the resulting messages to the outbox.
 */
export async function runNightly(deps: NightlyDependencies, input: NightlyInput): Promise<NightlySummary> {
  await sweepLeftovers(deps.logger, input.workDir);
  const spill = new DaySpill({ workDir: input.workDir });
  // A run stopped while a step hangs leaves no pupil on disk either.
  input.watch?.signal.addEventListener("abort", () => void spill.cleanup().catch(() => undefined), { once: true });
  try {
    return await runWithSpill(deps, input, spill);
  } finally {
    // Whatever the end (done, skipped, lease lost, a failure), nothing of a pupil stays on disk.
    await spill.cleanup();
  }
}

/** Removes run folders left by a process that died mid-run (kill -9, a crash): pupil ids and absence. */
async function sweepLeftovers(logger: Logger, workDir: string): Promise<void> {
  const removed = await sweepRunFolders(workDir);
  if (removed > 0) logger.warn({ removed }, "removed the temporary files of runs that were stopped before they ended");
}

async function runWithSpill(deps: NightlyDependencies, input: NightlyInput, spill: DaySpill): Promise<NightlySummary> {
  const { store, clock, logger, t } = deps;
  const dryRun = input.dryRun ?? false;
  const summary = emptySummary(dryRun);
  if (input.watch) input.watch.summary = summary;
  const describe = (rejections: RowRejection[]): RejectedRow[] =>
    rejections.map(({ line, problem }) => ({ line, reason: describeProblem(problem, t), code: problem.key }));

  let organisation: Organisation | undefined;
  let fileSettings: SettingsDocument;
  let roster: Roster;
  let feed: AbsenceFeed;
  let feedHash = "";
  let alreadyProcessed = false;
  let file = input.organisationPath;
  try {
    reach(input.watch, "organisation");
    organisation = await readOrganisationFile(file);
    if (input.watch) input.watch.organisation = organisation;
    fileSettings = readSettings(organisation.settings);
    const mapping = FeedMappingSchema.safeParse(organisation.feedMapping ?? {});
    if (!mapping.success) {
      const detail = mapping.error.issues.map((issue) => `feedMapping.${issue.path.join(".")}: ${issue.message}`).join("; ");
      throw new FileRejected({ key: "file.invalidOrganisation", params: { detail } });
    }
    file = input.rosterPath;
    reach(input.watch, "roster");
    roster = await readRoster(file, new Set(organisation.schools.map((school) => school.id)));
    const pupils = new Map(roster.pupils.map((pupil) => [pupil.pupilId, pupil]));
    const calendars = new Map(organisation.schools.map((school) => [school.id, calendarOf(school)]));
    file = input.feedPath;
    reach(input.watch, "feed");
    const source = await resolveFeed(input.feedPath, { ...input.feedSource, workDir: input.workDir });
    try {
      file = source.name;
      summary.feedFile = source.name;
      feedHash = await hashFile(source.path);
      alreadyProcessed = await store.feeds.wasProcessed(feedHash);
      feed = alreadyProcessed
        ? { rows: 0, accepted: [], acceptedCount: 0, rejected: [], rejectedTotal: 0 }
        : await readAbsenceFeed(source.path, { pupils, calendars, mapping: mapping.data, sink: spill });
    } finally {
      await source.cleanup();
    }
  } catch (error) {
    await spill.cleanup();
    if (!(error instanceof FileRejected)) throw error;
    summary.fileRejected = { file, reason: describeProblem(error.problem, t), code: error.problem.key };
    logger.warn({ code: error.problem.key }, "nightly run: a file was rejected whole, nothing changed");
    if (!dryRun) {
      const startedAt = clock.now().toISOString();
      await store.runs.record({ startedAt, finishedAt: startedAt, asOf: input.asOf ?? addDays(dateInZone(clock.now(), "Europe/Oslo"), -1), summary: { ...summary } });
      await tellCoordinatorsOfTheRun(deps, organisation, startedAt);
    }
    return summary;
  }

  const asOf = input.asOf ?? addDays(dateInZone(clock.now(), organisation.timeZone), -1);
  Object.assign(summary, {
    asOf,
    rows: feed.rows,
    accepted: feed.acceptedCount,
    rejected: describe(feed.rejected.slice(0, REJECTED_LISTED)),
    rejectedTotal: feed.rejectedTotal,
    roster: { rows: roster.rows, accepted: roster.pupils.length, rejected: describe(roster.rejected.slice(0, REJECTED_LISTED)), rejectedTotal: roster.rejectedTotal },
  });
  const feedState = judgeFeed({ organisation, asOf, spill, alreadyProcessed, schoolsWithPupils: new Set(roster.pupils.map((pupil) => pupil.schoolId)) });
  if (feedState) summary.feedAlarm = feedState;
  const coveredTonight = feedCoverage({ organisation, asOf, spill, alreadyProcessed, alarm: feedState });

  const owner = randomUUID();
  const startedAt = clock.now();
  if (!dryRun && !(await store.nightlyLease.acquire(owner, startedAt, Math.max(NIGHTLY_LEASE_MS, input.watch?.deadlineMs ?? 0)))) {
    summary.skipped = "another-run-in-progress";
    logger.warn("nightly run skipped: another run holds the lease");
    return summary;
  }
  // A run stopped while a step hangs gives the lease back at once: the next run need not wait for it to lapse.
  if (!dryRun) input.watch?.signal.addEventListener("abort", () => void store.nightlyLease.release(owner).catch(() => undefined), { once: true });
  if (!dryRun && input.oncePerNight && (await finishedTonight(store, asOf, startedAt))) {
    await store.nightlyLease.release(owner);
    await spill.cleanup();
    // Run again, it would find the feed processed and raise a false alarm about a missing feed.
    summary.skipped = "already-run-tonight";
    logger.info({ asOf }, "nightly run skipped: this night's run has finished already (in another instance)");
    return summary;
  }
  try {
    reach(input.watch, "import");
    const feedDays = await importDays(store, spill, organisation.schools.map((school) => school.id), dryRun, summary, input.watch);
    let stored = await store.settings.current();
    if (!dryRun) {
      await store.organisation.save(organisation);
      await store.pupils.saveAll(roster.pupils);
      await store.pupils.markLeft(new Set(roster.pupils.map((pupil) => rosterKey(pupil.schoolId, pupil.pupilId))), asOf);
      stored ??= await store.settings.save({ document: fileSettings, changedBy: "organisation-file", change: "initial settings from the organisation file", expectedVersion: 0, now: clock.now() });
    }
    const document = stored?.document ?? fileSettings;
    summary.settingsVersion = stored?.version ?? 0;
    const budget = new NudgeBudget(await scheduledNudges(store, asOf, organisation.timeZone));
    const coveredBefore = await store.feeds.coverage();
    for (const school of organisation.schools) {
      reach(input.watch, "schools");
      const settings = settingsForSchool(document, school.id);
      // A night without new data for a school judges none of its pupils on absence grounds; deadlines still run.
      const coverage = { judged: coveredTonight.has(school.id) && feedState?.kind !== "stale", before: coveredBefore.get(school.id), through: [coveredBefore.get(school.id), coveredTonight.get(school.id)].filter((date) => date !== undefined).sort().pop() };
      await evaluateSchool({ deps, summary, school, settings, asOf, timeZone: organisation.timeZone, dryRun, pupils: roster.pupils.filter((p) => p.schoolId === school.id), allPupils: roster.pupils, feedDays, budget, coverage });
    }
    reach(input.watch, "record");
    summary.ok = true;
    if (!dryRun) {
      const retention = await applyRetention(store, clock, { today: asOf, days: document.municipality.retentionDaysAfterClose, schoolIds: organisation.schools.map((school) => school.id) });
      summary.casesDeleted = retention.casesDeleted;
      summary.pupilsDeleted = retention.pupilsDeleted;
      if (summary.feedAlarm) await alertCoordinators(deps, organisation, summary.feedAlarm, asOf);
      await store.runs.record({ startedAt: startedAt.toISOString(), finishedAt: clock.now().toISOString(), asOf, summary: { ...summary } });
      await store.feeds.cover(coveredTonight);
      // Only once its run is recorded: a run that fails before reads the same feed again, not "no new feed".
      if (!alreadyProcessed) await store.feeds.remember(feedHash, { name: summary.feedFile ?? input.feedPath, processedAt: clock.now().toISOString(), lastDate: spill.lastDate });
      // Someone must fix the export, or look at the cases the night could not finish (it tries them again).
      if (summary.rejectedTotal > 0 || summary.roster.rejectedTotal > 0 || summary.casesFailed > 0) await tellCoordinatorsOfTheRun(deps, organisation, asOf);
    }
    logger.info(
      { asOf, rows: summary.rows, accepted: summary.accepted, rejected: summary.rejected.length, casesOpened: summary.casesOpened, casesAdvanced: summary.casesAdvanced, casesEscalated: summary.casesEscalated, casesReturned: summary.casesReturned, notificationsQueued: summary.notificationsQueued, dryRun },
      "nightly run finished",
    );
    return summary;
  } finally {
    await spill.cleanup();
    if (!dryRun) await store.nightlyLease.release(owner);
  }
}

/** Whether a run judging up to `asOf` started within the last hours and finished (a failed run is run again). */
async function finishedTonight(store: Store, asOf: IsoDate, now: Date): Promise<boolean> {
  const latest = await store.runs.latest();
  return latest !== undefined && latest.asOf === asOf && latest.summary.failure === undefined && now.getTime() - Date.parse(latest.startedAt) < SAME_NIGHT_MS;
}

async function evaluateSchool(input: {
  deps: NightlyDependencies;
  summary: NightlySummary;
  school: Organisation["schools"][number];
  settings: Settings;
  asOf: IsoDate;
  timeZone: string;
  dryRun: boolean;
  pupils: Pupil[];
  /** The whole roster, to tell a pupil who moved to another school from one who left. */
  allPupils: Pupil[];
  feedDays: SchoolPupilDay[];
  /** New-case messages per teacher and day, across the run's schools. */
  budget: NudgeBudget;
  /** Whether tonight brought the school new data to judge, and the last day the feeds covered before and now. */
  coverage: { judged: boolean; before: IsoDate | undefined; through: IsoDate | undefined };
}): Promise<void> {
  const { deps, summary, school, settings, asOf, dryRun, pupils } = input;
  const { store, clock } = deps;
  const snapshot = await loadSchoolSnapshot(store, school);
  const { calendar, openByPupil, lastClosedByPupil } = snapshot;
  if (dryRun) overlay(snapshot.daysByPupil, input.feedDays.filter((day) => day.schoolId === school.id));
  const routine = { calendar, deadlines: taskDeadlines(settings.routine), evaluationAfterSchoolDays: settings.routine.evaluationAfterSchoolDays };
  const judging = { calendar, asOf, settings };
  const timeZone = input.timeZone;
  // Messages that can wait go out within the delivery hours of the next school day after the day judged.
  const deliveryDay = nextSchoolDay(calendar, addDays(asOf, 1));
  const deliverFrom = nextDeliveryTime({ now: localInstant(deliveryDay, "00:00", timeZone), calendar, timeZone, hours: settings.routine.deliveryHours }).toISOString();

  // Changes are noted on the case (`noteChange`) and written to the audit trail with its notices (`handOverNotices`):
  // a run stopped in between leaves them on the stored case, and the next run finishes them.
  const note = (value: AbsenceCase, action: string, before?: unknown, of?: AbsenceCase) => noteChange(value, action, { at: clock.now().toISOString(), actor: "system", before, of });
  // One case that fails (a storage refusal, a stale version) is counted and listed; the others go on.
  const failed = new Set<string>();
  const isolate = async (ref: { pupilId: string; caseId: string }, work: () => Promise<void>) => {
    if (failed.has(ref.caseId)) return;
    try {
      await work();
    } catch (error) {
      if (isStorageDown(error)) throw error;
      failed.add(ref.caseId);
      caseFailed(deps, summary, { schoolId: school.id, ...ref }, error);
    }
  };
  const touched: { value: AbsenceCase; etag: string }[] = [];
  /** Cases whose numbers were brought up to date tonight but not yet written. */
  const unwritten = new Set<string>();
  // Closed cases that a stopped run left with audit entries or notices still to write.
  for (const stored of dryRun ? [] : snapshot.unfinished) {
    await isolate(stored.value, async () => void (await handOverNotices(store, stored.value, stored.etag, clock.now())));
  }
  // Days after the last one a feed covered are unknown, never present: a return is seen only on covered days.
  const coveredThrough = input.coverage.through !== undefined && input.coverage.through < asOf ? input.coverage.through : asOf;
  for (const pupil of pupils) {
    let open = openByPupil.get(pupil.pupilId);
    const newCase = { caseId: randomUUID(), schoolId: school.id, pupilId: pupil.pupilId, teacherIds: pupil.contactTeacherIds, asOf, now: clock.now(), routine };
    await isolate({ pupilId: pupil.pupilId, caseId: open?.value.caseId ?? newCase.caseId }, async () => {
      const lastClosed = lastClosedByPupil.get(pupil.pupilId);
      const record = snapshot.recordOf(pupil);
      const withdrawn = open && withdrawReturn(open.value, { absentOn: (date) => record.days.get(date)?.some((event) => event.kind === "day") ?? false, today: asOf });
      if (open && withdrawn && withdrawn !== open.value) {
        // A correction shows the pupil absent on the day read as a return: the return task is taken back.
        const value = note(withdrawn, "case.return-withdrawn", { returned: open.value.returned, task: open.value.current?.task });
        const etag = dryRun ? "*" : await store.cases.update(value, open.etag);
        summary.returnsWithdrawn = (summary.returnsWithdrawn ?? 0) + 1;
        if (isOpen(value)) openByPupil.set(pupil.pupilId, (open = { value, etag }));
        else {
          openByPupil.delete(pupil.pupilId);
          touched.push({ value, etag });
          open = undefined;
        }
      }
      if (!input.coverage.judged) return;
      const findings = judgePupil(judging, record);
      const decision = decideCase({
        findings,
        openCase: open?.value,
        lastClosed,
        schoolDaysSinceClosed: lastClosed?.closedOn ? calendar.schoolDaysBetween(lastClosed.closedOn, asOf) : undefined,
        cooldownSchoolDays: settings.cooldownSchoolDays,
        newCase,
      });
      // A pupil back after a long absence: the case opened or climbed tonight, or the open one, gets the return task.
      const opened = decision.action === "open" ? decision.absenceCase : undefined;
      const advanced = decision.action === "advance" ? decision.absenceCase : undefined;
      const returning = decideReturn({
        returned: detectReturn({ calendar, asOf: coveredThrough, judgedThrough: input.coverage.before, days: record.days, enrolledFrom: pupil.enrolledFrom, settings: settings.returnToSchool }),
        openCase: opened ?? advanced ?? open?.value,
        lastClosed,
        newCase,
      });
      const returned = returning.action === "none" ? undefined : returning.absenceCase;
      if (opened || returning.action === "open") {
        const first = returned ?? (opened as AbsenceCase);
        let value = note(first, "case.opened", undefined, opened ?? first);
        if (returned) value = note(value, "case.return", opened ? { task: opened.current?.task } : undefined);
        // The case carries its audit entries and cards: the hand-over below writes them, or the next run does.
        const etag = dryRun ? "*" : await store.cases.insert(value);
        summary.casesOpened += 1;
        if (returned) summary.casesReturned += 1;
        touched.push({ value, etag });
      } else if ((advanced || returned) && open) {
        let value = returned ?? (advanced as AbsenceCase);
        if (advanced) {
          value = note(value, "case.advanced", { step: open.value.step });
          const woken = advanced.snoozed?.woken;
          if (woken && !open.value.snoozed?.woken) value = note(value, "case.snooze-woken", { snoozed: open.value.snoozed, woken });
        }
        if (returned) value = note(value, "case.return", { task: (advanced ?? open.value).current?.task });
        const etag = dryRun ? "*" : await store.cases.update(value, open.etag);
        if (advanced) summary.casesAdvanced += 1;
        if (returned) summary.casesReturned += 1;
        openByPupil.set(pupil.pupilId, { value, etag });
      } else if (open && findings.length > 0 && sameFindings(open.value.findings, findings) === false) {
        // Tonight's numbers, so that the case's severity (and the order of every list) follows the absence.
        // Written with the night's next change of the case (or on its own below): one write a case a night.
        const refreshed = { ...open.value, findings };
        openByPupil.set(pupil.pupilId, { value: refreshed, etag: open.etag });
        unwritten.add(refreshed.caseId);
      }
    });
  }

  // The roster decides who the case is with: a pupil who left is closed, new contact teachers take over.
  const rosterById = new Map(pupils.map((pupil) => [pupil.pupilId, pupil]));
  for (const [pupilId, stored] of [...openByPupil.entries()]) {
    const pupil = rosterById.get(pupilId);
    if (!pupil) {
      if (pupils.length === 0) continue; // A roster without the school's pupils is a broken export, not a school that emptied.
      openByPupil.delete(pupilId);
      await isolate(stored.value, async () => {
        const moved = input.allPupils.some((candidate) => candidate.pupilId === pupilId);
        const closed = note(closeCase(stored.value, moved ? "moved" : "left-school", asOf), "case.closed", { stage: stored.value.stage });
        if (!dryRun) await handOverNotices(store, closed, await store.cases.update(closed, stored.etag), clock.now());
        summary.casesClosed += 1;
      });
      continue;
    }
    await isolate(stored.value, async () => {
      const changed = reassign(stored.value, pupil.contactTeacherIds);
      if (changed !== stored.value) {
        const noted = note(changed, "case.reassigned", { teacherIds: stored.value.teacherIds });
        if (!dryRun) stored.etag = await store.cases.update(noted, stored.etag);
        unwritten.delete(changed.caseId);
        stored.value = noted;
      }
    });
  }

  for (const stored of openByPupil.values()) {
    await isolate(stored.value, async () => {
      const before = stored.value;
      let after = remindOrEscalate(before, { asOf, deliveryDay, deliverFrom, leaderIds: school.leaders, now: clock.now(), calendar });
      if (after !== before) {
        if (after.current?.escalatedAt && !before.current?.escalatedAt) {
          summary.casesEscalated += 1;
          after = note(after, "case.escalated");
        } else {
          summary.remindersQueued += after.pendingNotices.length - before.pendingNotices.length;
        }
      }
      if ((after !== before || unwritten.has(after.caseId)) && !dryRun) stored.etag = await store.cases.update(after, stored.etag);
      if (hasPendingWork(after)) touched.push({ value: after, etag: stored.etag });
    });
  }

  // Most severe first: when a teacher has more new cases than the daily cap, the least severe wait for the next days.
  const severity = (entry: (typeof touched)[number]) => severityOf(entry.value, { today: deliveryDay, calendar });
  for (const { value, etag } of sortBySeverity(touched, severity)) {
    await isolate(value, async () => {
      const capped = withinDailyCap(value, { budget: input.budget, deliveryDay, calendar, cap: settings.routine.dailyNudgeCap, timeZone, hours: settings.routine.deliveryHours });
      if (dryRun) summary.notificationsQueued += capped.pendingNotices.length;
      else summary.notificationsQueued += (await handOverNotices(store, capped, etag, clock.now())).queued;
    });
  }
}

/** Cases of one failing night listed in the summary by their (pseudonymous) case id; `casesFailed` counts them all. */
export const FAILED_CASES_LISTED = 20;

/** Counts and lists one case that failed tonight; the log gets the error's code, never its text (it may quote data). */
function caseFailed(deps: NightlyDependencies, summary: NightlySummary, ref: { schoolId: string; pupilId: string; caseId: string }, error: unknown): void {
  const reason = errorCode(error);
  summary.casesFailed += 1;
  if (summary.failedCases.length < FAILED_CASES_LISTED) summary.failedCases.push({ schoolId: ref.schoolId, caseId: ref.caseId, reason });
  deps.logger.error({ schoolId: ref.schoolId, pupilId: ref.pupilId, caseId: ref.caseId, reason }, "nightly run: one case failed and is left for the next run; the others went on");
}

/**
 * A new case's first card counts against its teacher's daily cap; past the cap it is delivered on the first school
 * day with room, in the delivery hours. Reminders, escalations and later tasks are not new nudges.
 */
function withinDailyCap(absenceCase: AbsenceCase, input: { budget: NudgeBudget; deliveryDay: IsoDate; calendar: SchoolCalendar; cap: number; timeZone: string; hours: { from: string; to: string } }): AbsenceCase {
  if (!absenceCase.pendingNotices.some((notice) => notice.kind === "task")) return absenceCase;
  const pendingNotices = absenceCase.pendingNotices.map((notice) => {
    if (notice.kind !== "task") return notice;
    const day = input.budget.place(notice.recipientId, input.deliveryDay, input.calendar, input.cap);
    // Within the delivery hours of the day it is placed on, also on the delivery day itself: a night run ends at
    // 07:00, before the hours open, and on a holiday the next school day is days away.
    const fromDay = nextDeliveryTime({ now: localInstant(day, "00:00", input.timeZone), calendar: input.calendar, timeZone: input.timeZone, hours: input.hours }).toISOString();
    if (day === input.deliveryDay && notice.deliverFrom !== undefined && notice.deliverFrom > fromDay) return notice;
    return { ...notice, deliverFrom: fromDay };
  });
  return { ...absenceCase, pendingNotices };
}

/** New-case messages already queued for the delivery day judged tonight or later, by teacher and local day. */
async function scheduledNudges(store: Store, asOf: IsoDate, timeZone: string): Promise<{ recipientId: string; day: IsoDate }[]> {
  const from = localInstant(addDays(asOf, 1), "00:00", timeZone);
  return (await store.outbox.listKindFrom("task", from)).map((message) => ({ recipientId: message.recipientId, day: dateInZone(new Date(message.notBefore), timeZone) }));
}

function sameFindings(before: readonly Finding[], after: readonly Finding[]): boolean {
  const key = (findings: readonly Finding[]) => findings.map((finding) => `${finding.ruleId}:${finding.value}:${finding.count}:${finding.from}:${finding.to}`).join("|");
  return key(before) === key(after);
}

export type FeedAlarm =
  | { kind: "missing" }
  | { kind: "stale"; lastDate: IsoDate; expected: IsoDate }
  /** The feed is current, but has nothing from these schools on their last two school days. */
  | { kind: "stale-schools"; schools: string[]; expected: IsoDate };

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    throw new FileRejected({ key: "file.notFound" });
  }
  return hash.digest("hex");
}


/**
 * Whether tonight's feed can be trusted to be complete: a file processed before means no new feed came for a
 * school day; a feed without a single registration on the last two school days it should cover is stale (one
 * day without any absence can happen at a small school; two in a row rarely does). The same holds for each school
 * with pupils, when the feed reaches back far enough to tell (a feed of yesterday alone does not).
 */
function judgeFeed(input: { organisation: Organisation; asOf: IsoDate; spill: DaySpill; alreadyProcessed: boolean; schoolsWithPupils: ReadonlySet<string> }): FeedAlarm | undefined {
  const lastTwo = new Map(input.organisation.schools.map((school) => [school.id, calendarOf(school).lastSchoolDays(input.asOf, 2)]));
  const lastSchoolDay = [...lastTwo.values()].map((days) => days[days.length - 1]).filter((day): day is string => day !== undefined).sort().pop();
  if (!lastSchoolDay) return undefined;
  if (input.alreadyProcessed) return lastSchoolDay === input.asOf ? { kind: "missing" } : undefined;
  const dayBefore = [...lastTwo.values()].map((days) => days[0]).filter((day): day is string => day !== undefined).sort().pop() ?? lastSchoolDay;
  const { lastDate, firstDate, lastDateBySchool } = input.spill;
  if (!lastDate || !firstDate) return undefined;
  if (lastDate < dayBefore) return { kind: "stale", lastDate, expected: lastSchoolDay };
  const quietSchools = input.organisation.schools.filter((school) => {
    const schoolDayBefore = lastTwo.get(school.id)?.[0];
    if (!schoolDayBefore || !input.schoolsWithPupils.has(school.id) || firstDate > schoolDayBefore) return false;
    return (lastDateBySchool.get(school.id) ?? "") < schoolDayBefore;
  });
  if (quietSchools.length > 0) return { kind: "stale-schools", schools: quietSchools.map((school) => school.id), expected: lastSchoolDay };
  return undefined;
}

/**
 * Up to which day tonight's feed covers each school: the feed's last date (an export covers all its schools through
 * it), not past the night. A file read before covers nothing new, nor does the feed cover a school missing from it.
 */
function feedCoverage(input: { organisation: Organisation; asOf: IsoDate; spill: DaySpill; alreadyProcessed: boolean; alarm: FeedAlarm | undefined }): Map<string, IsoDate> {
  const covered = new Map<string, IsoDate>();
  const { lastDate } = input.spill;
  if (input.alreadyProcessed || !lastDate) return covered;
  const missing = new Set(input.alarm?.kind === "stale-schools" ? input.alarm.schools : []);
  for (const school of input.organisation.schools) if (!missing.has(school.id)) covered.set(school.id, lastDate < input.asOf ? lastDate : input.asOf);
  return covered;
}

/**
 * Queues one message for each of the municipality's coordinators, for the next delivery hours (the first school's
 * calendar, the municipality's hours). The organisation is the one just read, or the one last stored.
 */
export async function queueForCoordinators(deps: NightlyDependencies, known: Organisation | undefined, message: { kind: "run-summary" | "coordinator-alert"; subject: string }): Promise<void> {
  const organisation = known ?? (await deps.store.organisation.get());
  const school = organisation?.schools[0];
  if (!organisation || !school) return;
  const document = (await deps.store.settings.current())?.document ?? DEFAULT_SETTINGS_DOCUMENT;
  const hours = settingsForSchool(document, school.id).routine.deliveryHours;
  const notBefore = nextDeliveryTime({ now: deps.clock.now(), calendar: calendarOf(school), timeZone: organisation.timeZone, hours }).toISOString();
  for (const coordinator of organisation.coordinators) {
    await deps.store.outbox.enqueue({ ...message, serial: 0, schoolId: "", recipientId: coordinator, notBefore }, deps.clock.now());
  }
}

/** The run summary, when a file or rows were rejected: someone must fix the export. One message a day (or run) each. */
function tellCoordinatorsOfTheRun(deps: NightlyDependencies, known: Organisation | undefined, runKey: string): Promise<void> {
  return queueForCoordinators(deps, known, { kind: "run-summary", subject: `run:${runKey}` });
}

/**
 * The quiet schools as a short key: a list of ids could outgrow a storage key. The message reads the schools from
 * the run it came from, which keeps the alarm.
 */
function schoolsKey(schools: readonly string[]): string {
  return createHash("sha256").update([...schools].sort().join("\n")).digest("hex").slice(0, 16);
}

/** Tells the coordinators, in the next delivery hours, that the feed is missing or stale. */
async function alertCoordinators(deps: NightlyDependencies, organisation: Organisation, alarm: FeedAlarm, asOf: IsoDate): Promise<void> {
  const subject =
    alarm.kind === "missing" ? `missing-feed:${asOf}` : alarm.kind === "stale" ? `stale-feed:${asOf}:${alarm.lastDate}:${alarm.expected}` : `stale-schools:${asOf}:${alarm.expected}:${schoolsKey(alarm.schools)}`;
  await queueForCoordinators(deps, organisation, { kind: "coordinator-alert", subject });
  deps.logger.warn({ alarm: alarm.kind, asOf }, "feed alarm: coordinators told");
}

/** The organisation file's settings, or a rejection of the file that says what is wrong. */
function readSettings(input: unknown): SettingsDocument {
  try {
    return settingsFromOrganisation(input);
  } catch (error) {
    const issues = (error as { issues?: { path: (string | number)[]; message: string }[] }).issues;
    if (!issues) throw error;
    const detail = issues.map((issue) => `settings.${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new FileRejected({ key: "file.invalidOrganisation", params: { detail } });
  }
}

/** Dry runs see the feed as if it were stored. */
function overlay(daysByPupil: Map<string, PupilDay[]>, feedDays: SchoolPupilDay[]): void {
  for (const day of feedDays) {
    const days = (daysByPupil.get(day.pupilId) ?? []).filter((known) => known.date !== day.date);
    days.push(day);
    daysByPupil.set(day.pupilId, days);
  }
}

