import type { AbsenceCase } from "../domain/cases";
import { addDays, dateInZone, type IsoDate } from "../domain/dates";
import { calendarOf, findSchool } from "../domain/organisation";
import { severityOf, sortBySeverity, type Severity } from "../domain/severity";
import { explainSeverity } from "../i18n/explain";
import type { Pupil } from "../domain/roster";
import { activeSnooze } from "../domain/snooze";
import { formatDate, translator, type Locale, type MessageKey } from "../i18n";
import type { Store } from "../store";
import type { OutboxMessage } from "../store/outbox";
import { browsableListCard, type AdaptiveCard, type ListModel } from "./cards";

/** A case as a row of a list: the pupil, how severe (in one line), and what is due, until when it is put off, or that it is being watched. */
export function caseRow(absenceCase: AbsenceCase, pupil: Pupil | undefined, locale: Locale, context: { today?: IsoDate; severity?: Severity } = {}) {
  const t = translator(locale);
  const task = absenceCase.current;
  const snoozed = context.today ? activeSnooze(absenceCase, context.today) : undefined;
  const taskName = task ? t(`task.${task.task}` as MessageKey) : "";
  const due = !task
    ? t("digest.row.monitoring", { step: absenceCase.step })
    : snoozed
      ? t("digest.row.snoozed", { step: absenceCase.step, task: taskName, until: formatDate(locale, snoozed.until) })
      : t("digest.row.task", { step: absenceCase.step, task: taskName, dueOn: formatDate(locale, task.dueOn) });
  return {
    title: t("digest.row.case", { name: pupil?.name ?? absenceCase.pupilId, group: pupil?.group ?? "" }),
    detail: context.severity ? `${explainSeverity(context.severity, locale)} · ${due}` : due,
  };
}

/**
 * A leader's digest for one school: the daily one (new cases, overdue answers, escalations, cases per group and
 * step) or the weekly overview (with the cases closed last week). One message: when the lists do not fit, the first
 * page (the most severe cases first) with «Vis flere», which shows the next page of the digest as it is now.
 */
export async function renderDigest(store: Store, message: Pick<OutboxMessage, "subject" | "schoolId">, locale: Locale, now: Date, page = 1): Promise<AdaptiveCard[] | undefined> {
  const t = translator(locale);
  const organisation = await store.organisation.get();
  const school = organisation && findSchool(organisation, message.schoolId);
  if (!organisation || !school) return undefined;
  const weekly = message.subject.startsWith("weekly");
  const today = dateInZone(now, organisation.timeZone);
  const [cases, pupils] = await Promise.all([store.cases.listSchool(school.id), store.pupils.listAll()]);
  const pupilById = new Map(pupils.filter((pupil) => pupil.schoolId === school.id).map((pupil) => [pupil.pupilId, pupil]));
  const all = cases.map((stored) => stored.value);
  const open = all.filter((absenceCase) => absenceCase.stage !== "closed");
  const since = addDays(today, weekly ? -7 : -1);
  const fresh = open.filter((absenceCase) => absenceCase.openedOn >= since);
  const overdue = open.filter((absenceCase) => absenceCase.current && absenceCase.current.dueOn < today).sort((a, b) => (a.current?.dueOn ?? "").localeCompare(b.current?.dueOn ?? ""));
  const escalated = open.filter((absenceCase) => absenceCase.current?.escalatedAt);
  const closedLastWeek = all.filter((absenceCase) => absenceCase.closedOn && absenceCase.closedOn >= addDays(today, -7));
  const calendar = calendarOf(school);
  const severities = new Map(open.map((absenceCase) => [absenceCase.caseId, severityOf(absenceCase, { today, calendar })]));
  const severity = (absenceCase: AbsenceCase) => severities.get(absenceCase.caseId) ?? severityOf(absenceCase, { today, calendar });
  const row = (absenceCase: AbsenceCase) => caseRow(absenceCase, pupilById.get(absenceCase.pupilId), locale, { today, severity: severity(absenceCase) });
  const mostSevereFirst = (cases: AbsenceCase[]) => sortBySeverity(cases, severity);

  const byGroup = new Map<string, Map<number, number>>();
  for (const absenceCase of open) {
    const group = pupilById.get(absenceCase.pupilId)?.group ?? "?";
    const steps = byGroup.get(group) ?? new Map<number, number>();
    steps.set(absenceCase.step, (steps.get(absenceCase.step) ?? 0) + 1);
    byGroup.set(group, steps);
  }
  const groups = [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b, "nb"))
    .map(([group, steps]) => ({
      title: t("digest.row.group", { group }),
      detail: [...steps.entries()].sort(([a], [b]) => a - b).map(([step, count]) => t("whatIf.step", { step, count })).join(", "),
    }));

  const facts = [
    { title: t("digest.fact.new"), value: String(fresh.length) },
    { title: t("digest.fact.open"), value: String(open.length) },
    { title: t("digest.fact.overdue"), value: String(overdue.length) },
    { title: t("digest.fact.escalated"), value: String(escalated.length) },
  ];
  if (weekly) facts.push({ title: t("digest.fact.closed"), value: String(closedLastWeek.length) });
  const model: ListModel = {
    title: weekly ? t("digest.weekly.title", { school: school.name, week: message.subject.split("|")[1]?.split("-W")[1] ?? "" }) : t("digest.daily.title", { school: school.name, date: formatDate(locale, today) }),
    subtitle: "",
    facts,
    sections: [
      { heading: t("digest.section.escalated"), rows: mostSevereFirst(escalated).map(row), empty: t("digest.empty") },
      { heading: t("digest.section.overdue"), rows: mostSevereFirst(overdue.filter((absenceCase) => !absenceCase.current?.escalatedAt)).map(row), empty: t("digest.empty") },
      { heading: t("digest.section.new"), rows: mostSevereFirst(fresh).map(row), empty: t("digest.empty") },
      { heading: t("digest.section.groups"), rows: groups, empty: t("digest.empty") },
    ],
    footer: "",
  };
  return [browsableListCard(model, { page, locale, data: (target) => ({ list: "digest", schoolId: school.id, subject: message.subject, page: target }) })];
}
