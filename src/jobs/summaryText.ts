import type { Translate } from "../i18n";
import type { StepCounts, WhatIfReport } from "../domain/whatIf";
import type { NightlySummary } from "./nightly";

/** The run summary as lines for a person, in the reader's language. */
export function summaryText(summary: NightlySummary, t: Translate): string[] {
  if (summary.fileRejected) return [t("run.fileRejected", { file: summary.fileRejected.file, reason: summary.fileRejected.reason })];
  const lines = [t("run.summary", { asOf: summary.asOf ?? "", rows: summary.rows, accepted: summary.accepted, rejectedCount: summary.rejectedTotal })];
  if (summary.corrected + summary.duplicated > 0) lines.push(t("run.corrections", { corrected: summary.corrected, duplicated: summary.duplicated }));
  for (const row of summary.rejected) lines.push(`  ${t("run.rejectedRow", { line: row.line, reason: row.reason })}`);
  if (summary.rejectedTotal > summary.rejected.length) lines.push(`  ${t("run.rejectedMore", { count: summary.rejectedTotal - summary.rejected.length })}`);
  for (const row of summary.roster.rejected) lines.push(`  ${t("run.rosterRejectedRow", { line: row.line, reason: row.reason })}`);
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
