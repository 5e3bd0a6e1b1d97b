import * as ACData from "adaptivecards-templating";
import type { Clock } from "../clock";
import type { NoticeKind } from "../domain/cases";
import { dateInZone } from "../domain/dates";
import { calendarOf, findSchool } from "../domain/organisation";
import { activeSnooze } from "../domain/snooze";
import { bySeverity } from "../domain/severity";
import { formatDate, translator, type Locale, type MessageKey } from "../i18n";
import { explainSeverity } from "../i18n/explain";
import type { Store } from "../store";
import type { OutboxMessage } from "../store/outbox";
import { TASK_VIEW_VERB, type AdaptiveCard } from "./cards";
import { loadCaseView, type CaseView } from "./caseView";
import bundleTemplate from "./templates/bundle.json";
import { inertCard } from "./inertText";

/** The messages to a contact teacher that ask for an answer: several due at once go out as one card. */
export const BUNDLED_KINDS: ReadonlySet<NoticeKind | string> = new Set(["task", "reminder", "last-reminder", "snooze-ended"]);

export type BundledKind = "task" | "reminder" | "last-reminder" | "snooze-ended";

/** Least to most pressing, for a case with more than one message due. */
const URGENCY: readonly string[] = ["task", "snooze-ended", "reminder", "last-reminder"];

export interface BundleItem {
  view: CaseView;
  kind: BundledKind;
}

/** Two cards are read one by one, each answered in place; from three, a list saves the teacher's attention. */
export const BUNDLE_FROM = 3;

/** A phone scrolls a list of this many; the rest are named by number and are in "mine saker". */
const ROWS_SHOWN = 25;

/**
 * One card for a contact teacher with several pupils who need something: most severe first, each with its
 * severity in one line, what is asked and by when, and a button that opens that pupil's questions in place.
 */
export function bundleCard(items: readonly BundleItem[], locale: Locale, deferred: { count: number; tomorrow: boolean }): AdaptiveCard {
  const t = translator(locale);
  const ordered = [...items].sort((a, b) => bySeverity(a.view.severity, b.view.severity));
  const rows = ordered.slice(0, ROWS_SHOWN).map(({ view, kind }) => {
    const task = view.absenceCase.current;
    const data = { caseId: view.absenceCase.caseId, schoolId: view.absenceCase.schoolId, serial: task?.serial ?? 0, view: "questions", fromBundle: true };
    return {
      name: t("digest.row.case", { name: view.pupil.name, group: view.pupil.group }),
      severity: explainSeverity(view.severity, locale),
      severityColor: view.severity.level === "high" ? "Attention" : view.severity.level === "medium" ? "Warning" : "Default",
      what: t(`bundle.row.${kind}`, { task: task ? t(`task.${task.task}` as MessageKey) : "", dueOn: task ? formatDate(locale, task.dueOn) : "" }),
      openTitle: t("bundle.open"),
      openVerb: TASK_VIEW_VERB,
      openData: data,
      openSubmitData: { ...data, verb: TASK_VIEW_VERB },
    };
  });
  const model = {
    title: t("bundle.title", { count: items.length }),
    subtitle: t("bundle.subtitle"),
    rows,
    more: ordered.length > ROWS_SHOWN ? t("bundle.more", { count: ordered.length - ROWS_SHOWN }) : "",
    deferred: deferred.count === 0 ? "" : t(deferred.tomorrow ? "bundle.deferred.tomorrow" : "bundle.deferred.later", { count: deferred.count }),
  };
  return inertCard(new ACData.Template(bundleTemplate).expand({ $root: model }) as AdaptiveCard);
}

/** New-case cards for this teacher held back by the daily cap: how many, and whether all come on the next school day. */
export async function deferredFor(store: Store, recipientId: string, now: Date): Promise<{ count: number; tomorrow: boolean }> {
  const organisation = await store.organisation.get();
  const later = (await store.outbox.listKindFrom("task", now)).filter((message) => message.recipientId === recipientId && message.status === "pending");
  if (!organisation || later.length === 0) return { count: later.length, tomorrow: true };
  const school = findSchool(organisation, later[0]?.schoolId ?? "") ?? organisation.schools[0];
  const today = dateInZone(now, organisation.timeZone);
  const nextSchoolDay = school ? calendarOf(school).addSchoolDays(today, 1) : today;
  const tomorrow = later.every((message) => dateInZone(new Date(message.notBefore), organisation.timeZone) <= nextSchoolDay);
  return { count: later.length, tomorrow };
}

/** The cases of a bundle as they are now; a case that has moved on since the message was queued drops out. */
export async function loadBundleItems(store: Store, messages: readonly OutboxMessage[], locale: Locale, now: Date): Promise<BundleItem[]> {
  const items: BundleItem[] = [];
  // A case with several messages due (its card and a reminder) is one row, saying the most pressing.
  const byCase = new Map<string, OutboxMessage>();
  for (const message of messages) {
    const known = byCase.get(message.subject);
    if (!known || URGENCY.indexOf(message.kind) > URGENCY.indexOf(known.kind)) byCase.set(message.subject, message);
  }
  for (const message of byCase.values()) {
    const stored = await store.cases.get(message.schoolId, message.subject);
    const task = stored?.value.current;
    if (!stored || !task || task.serial !== message.serial) continue;
    const view = await loadCaseView(store, stored, locale, now);
    if (view) items.push({ view, kind: message.kind as BundledKind });
  }
  return items;
}

/**
 * "Back to the list": the teacher's pupils waiting for an answer now, most severe first (a task put off to a
 * later date, or a case held back by the daily cap, is not waiting yet). Answered ones have left the list.
 */
export async function currentBundle(deps: { store: Store; clock: Clock }, input: { userId: string | undefined; locale: Locale }): Promise<AdaptiveCard | string> {
  const { store, clock } = deps;
  const t = translator(input.locale);
  const userId = input.userId;
  if (!userId) return t("answer.refused");
  const now = clock.now();
  // Cases held back by the daily cap have not been asked yet: they come on their day.
  const notYetAsked = new Set((await store.outbox.listKindFrom("task", now)).filter((message) => message.recipientId === userId && message.status === "pending").map((message) => message.subject));
  const items: BundleItem[] = [];
  for (const stored of await store.cases.listOpen()) {
    const absenceCase = stored.value;
    if (!absenceCase.current || !absenceCase.teacherIds.includes(userId) || notYetAsked.has(absenceCase.caseId)) continue;
    const view = await loadCaseView(store, stored, input.locale, now);
    if (!view || !view.pupil.contactTeacherIds.includes(userId) || activeSnooze(absenceCase, view.today)) continue;
    items.push({ view: { ...view, backToList: true }, kind: absenceCase.current.dueOn <= view.today ? "last-reminder" : "task" });
  }
  if (items.length === 0) return t("bundle.empty");
  return bundleCard(items, input.locale, await deferredFor(store, userId, now));
}
