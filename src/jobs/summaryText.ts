import type { Translate } from "../i18n";
import type { NightlySummary } from "./nightly";

/** The run summary as lines for a person, in the reader's language. */
export function summaryText(summary: NightlySummary, t: Translate): string[] {
  if (summary.fileRejected) return [t("run.fileRejected", { file: summary.fileRejected.file, reason: summary.fileRejected.reason })];
  const lines = [t("run.summary", { asOf: summary.asOf ?? "", rows: summary.rows, accepted: summary.accepted, rejectedCount: summary.rejected.length })];
  for (const row of summary.rejected) lines.push(`  ${t("run.rejectedRow", { line: row.line, reason: row.reason })}`);
  for (const row of summary.roster.rejected) lines.push(`  ${t("run.rosterRejectedRow", { line: row.line, reason: row.reason })}`);
  lines.push(t("run.cases", { casesOpened: summary.casesOpened, casesEscalated: summary.casesEscalated, notificationsQueued: summary.notificationsQueued }));
  if (summary.dryRun) lines.push(t("run.dryRun"));
  if (summary.skipped) lines.push(t("run.skipped"));
  return lines;
}
