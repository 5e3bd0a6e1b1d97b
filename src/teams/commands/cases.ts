import { dateInZone } from "../../domain/dates";
import { calendarOf } from "../../domain/organisation";
import { severityOf, sortBySeverity } from "../../domain/severity";
import { activeSnooze } from "../../domain/snooze";
import { formatDate, translator, type Locale } from "../../i18n";
import { browsableListCard } from "../cards";
import { caseRow } from "../digest";
import { explainSeverity } from "../../i18n/explain";
import { pageOf, type Command } from "./command";

/** "mine saker": a teacher's open cases with what is due; a leader's school's. */
export const myCases: Command = {
  help: "cmd.cases",
  role: "anyone",
  names: ["mine saker", "my cases", "saker"],
  async run(context, args) {
    const { store, clock, userId, locale, organisation } = context;
    const t = translator(locale);
    if (!organisation) return t("mycases.none");
    const today = dateInZone(clock.now(), organisation.timeZone);
    const pupils = await store.pupils.listAll();
    const pupilById = new Map(pupils.map((pupil) => [`${pupil.schoolId}\u0000${pupil.pupilId}`, pupil]));
    const led = new Set(organisation.schools.filter((school) => school.leaders.includes(userId)).map((school) => school.id));
    const sections = [];
    const open = await store.cases.listOpen();
    const row = (schoolId: string, pupilId: string) => pupilById.get(`${schoolId}\u0000${pupilId}`);
    const calendars = new Map(organisation.schools.map((school) => [school.id, calendarOf(school)]));
    const severities = new Map(
      open.flatMap((stored) => {
        const calendar = calendars.get(stored.value.schoolId);
        return calendar ? [[stored.value.caseId, severityOf(stored.value, { today, calendar })] as const] : [];
      }),
    );
    const describe = (absenceCase: (typeof open)[number]["value"]) => {
      const base = caseRow(absenceCase, row(absenceCase.schoolId, absenceCase.pupilId), locale);
      const task = absenceCase.current;
      const snoozed = task ? activeSnooze(absenceCase, today) : undefined;
      const what = !task
        ? t("mycases.monitoring")
        : snoozed
          ? t("mycases.snoozed", { task: t(`task.${task.task}` as "task.meeting"), until: formatDate(locale, snoozed.until) })
          : t(task.dueOn < today ? "mycases.overdue" : "mycases.due", { task: t(`task.${task.task}` as "task.meeting"), dueOn: formatDate(locale, task.dueOn) });
      const severity = severities.get(absenceCase.caseId);
      return { ...base, detail: severity ? `${explainSeverity(severity, locale)} · ${what}` : what };
    };
    // Most severe first; without a calendar for the school (it left the organisation file), last.
    const ordered = (cases: typeof open) => sortBySeverity(cases, (stored) => severities.get(stored.value.caseId) ?? { level: "low", score: -1, facts: [] });
    const mine = ordered(open.filter((stored) => row(stored.value.schoolId, stored.value.pupilId)?.contactTeacherIds.includes(userId)));
    if (mine.length > 0) sections.push({ heading: t("mycases.title", { count: mine.length }), rows: mine.map((stored) => describe(stored.value)), empty: "" });
    for (const school of organisation.schools.filter((candidate) => led.has(candidate.id))) {
      const cases = ordered(open.filter((stored) => stored.value.schoolId === school.id));
      sections.push({ heading: t("mycases.school", { school: school.name, count: cases.length }), rows: cases.map((stored) => describe(stored.value)), empty: t("digest.empty") });
    }
    if (sections.length === 0) return t("mycases.none");
    // Most urgent first, a page at a time: a leader of a school with hundreds of cases gets «Vis flere».
    const model = { title: sections.length === 1 ? sections[0]?.heading ?? "" : t("mycases.title", { count: mine.length }), subtitle: "", facts: [], sections, footer: "" };
    return browsableListCard(model, { page: pageOf(context, args[0]), locale, data: (page) => ({ list: "my-cases", page }) });
  },
};

const LANGUAGES: Record<string, Locale> = { bokmal: "nb", nb: "nb", norsk: "nb", nynorsk: "nn", nn: "nn", english: "en", engelsk: "en", en: "en" };

/** "språk nynorsk" / "language english": the language the bot writes to this user in. */
export const language: Command = {
  help: "cmd.language",
  role: "anyone",
  names: ["språk", "language", "sprak"],
  async run({ store, clock, userId, locale }, args) {
    const chosen = LANGUAGES[args[0] ?? ""];
    if (!chosen) return translator(locale)("bot.unknownMessage");
    const conversation = await store.conversations.get(userId);
    if (conversation) await store.conversations.save({ ...conversation, locale: chosen, updatedAt: clock.now().toISOString() });
    return translator(chosen)("language.set");
  },
};

