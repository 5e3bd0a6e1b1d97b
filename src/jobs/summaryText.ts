import type { Translate } from "../i18n";
import type { StepCounts, WhatIfReport } from "../domain/whatIf";
import type { NightlySummary, RunFailure } from "./nightly";
import { FAILURE_CAUSES } from "./runFailure";

/**
 * The run summary as lines for a person, in the reader's language. `listed` caps the rejected rows shown of each
 * file (a card must stay small); the rest are counted ("… and 12 more"), from the totals of every rejected row.
 */
export function summaryText(summary: NightlySummary, t: Translate, options: { listed?: number } = {}): string[] {
  if (summary.failure) return failureText(summary.failure, t);
  if (summary.fileRejected) return [t("run.fileRejected", { file: summary.fileRejected.file, reason: summary.fileRejected.reason })];
  const listed = options.listed ?? Infinity;
  const lines = [t("run.summary", { asOf: summary.asOf ?? "", rows: summary.rows, accepted: summary.accepted, rejectedCount: summary.rejectedTotal })];
  if (summary.corrected + summary.duplicated > 0) lines.push(t("run.corrections", { corrected: summary.corrected, duplicated: summary.duplicated }));
  const feedRows = summary.rejected.slice(0, listed);
  for (const row of feedRows) lines.push(`  ${t("run.rejectedRow", { line: row.line, reason: row.reason })}`);
  if (summary.rejectedTotal > feedRows.length) lines.push(`  ${t("run.rejectedMore", { count: summary.rejectedTotal - feedRows.length })}`);
  const rosterRows = summary.roster.rejected.slice(0, listed);
  // A summary stored before the roster's rows were capped has no total: its list was whole.
  const rosterTotal = summary.roster.rejectedTotal ?? summary.roster.rejected.length;
  for (const row of rosterRows) lines.push(`  ${t("run.rosterRejectedRow", { line: row.line, reason: row.reason })}`);
  if (rosterTotal > rosterRows.length) lines.push(`  ${t("run.rosterRejectedMore", { count: rosterTotal - rosterRows.length })}`);
  lines.push(t("run.cases", { casesOpened: summary.casesOpened, casesAdvanced: summary.casesAdvanced, casesEscalated: summary.casesEscalated, notificationsQueued: summary.notificationsQueued }));
  if (summary.casesReturned > 0) lines.push(t("run.returned", { count: summary.casesReturned }));
  if (summary.casesClosed > 0) lines.push(t("run.closed", { count: summary.casesClosed }));
  if (summary.casesFailed > 0) lines.push(t("run.casesFailed", { count: summary.casesFailed }));
  const alarm = summary.feedAlarm;
  if (alarm) lines.push(t(alarm.kind === "missing" ? "alert.missingFeed.title" : alarm.kind === "stale" ? "alert.staleFeed.title" : "alert.staleSchools.title"));
  if (summary.dryRun) lines.push(t("run.dryRun"));
  if (summary.skipped) lines.push(t("run.skipped"));
  return lines;
}

/** What stopped a run, and (unless the process was stopping: it runs again at the next start) what to do. */
export function failureText(failure: RunFailure, t: Translate): string[] {
  const step = t(`run.step.${failure.step}`);
  if (failure.code === "stopped") return [t("run.failed.stopped", { step })];
  if (failure.code === "deadline") return [t("run.failed.deadline", { minutes: failure.minutes ?? "", step }), t("alert.runFailed.advice")];
  return [t("run.failed", { reason: t(FAILURE_CAUSES[failure.cause ?? "internal"]) }), t("run.failed.error", { step }), t("alert.runFailed.advice")];
}

function stepCounts(counts: StepCounts, t: Translate): string {
  const steps = Object.keys(counts).sort();
  if (steps.length === 0) return t("whatIf.none");
  return steps.map((step) => t("whatIf.step", { step, count: counts[step] ?? 0 })).join(", ");
}

/** A what-if report as lines for a person. */
export function whatIfText(report: WhatIfReport, t: Translate, schoolNames: ReadonlyMap<string, string>): string[] {
  return [
    t("whatIf.title", { asOf: report.asOf }),
    ...report.schools.map((school) =>
      t("whatIf.school", { school: schoolNames.get(school.schoolId) ?? school.schoolId, current: stepCounts(school.current, t), proposed: stepCounts(school.proposed, t) }),
    ),
    t("whatIf.changes", { added: report.newFlags.length, dropped: report.droppedFlags.length, changed: report.changedSteps.length }),
  ];
}
