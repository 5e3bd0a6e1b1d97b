import { dateInZone } from "../../domain/dates";
import { activeSnooze } from "../../domain/snooze";
import { formatDate, translator, type Locale } from "../../i18n";
import { listCard } from "../cards";
import { caseRow } from "../digest";
import type { Command } from "./command";

/** "mine saker": a teacher's open cases with what is due; a leader's school's. */
export const myCases: Command = {
  help: "cmd.cases",
  role: "anyone",
  names: ["mine saker", "my cases", "saker"],
  async run({ store, clock, userId, locale, organisation }) {
    const t = translator(locale);
    if (!organisation) return t("mycases.none");
    const today = dateInZone(clock.now(), organisation.timeZone);
    const pupils = await store.pupils.listAll();
    const pupilById = new Map(pupils.map((pupil) => [`${pupil.schoolId}\u0000${pupil.pupilId}`, pupil]));
    const led = new Set(organisation.schools.filter((school) => school.leaders.includes(userId)).map((school) => school.id));
    const sections = [];
    const open = await store.cases.listOpen();
    const row = (schoolId: string, pupilId: string) => pupilById.get(`${schoolId}\u0000${pupilId}`);
    const describe = (absenceCase: (typeof open)[number]["value"]) => {
      const base = caseRow(absenceCase, row(absenceCase.schoolId, absenceCase.pupilId), locale, today);
      const task = absenceCase.current;
      if (!task) return { ...base, detail: t("mycases.monitoring") };
      const snoozed = activeSnooze(absenceCase, today);
      if (snoozed) return { ...base, detail: t("mycases.snoozed", { task: t(`task.${task.task}` as "task.meeting"), until: formatDate(locale, snoozed.until) }) };
      const key = task.dueOn < today ? "mycases.overdue" : "mycases.due";
      return { ...base, detail: t(key, { task: t(`task.${task.task}` as "task.meeting"), dueOn: formatDate(locale, task.dueOn) }) };
    };
    const byDue = (a: (typeof open)[number], b: (typeof open)[number]) => (a.value.current?.dueOn ?? "9999").localeCompare(b.value.current?.dueOn ?? "9999");
    const mine = open.filter((stored) => row(stored.value.schoolId, stored.value.pupilId)?.contactTeacherIds.includes(userId)).sort(byDue);
    if (mine.length > 0) sections.push({ heading: t("mycases.title", { count: mine.length }), rows: mine.map((stored) => describe(stored.value)), empty: "" });
    for (const school of organisation.schools.filter((candidate) => led.has(candidate.id))) {
      const cases = open.filter((stored) => stored.value.schoolId === school.id).sort(byDue);
      sections.push({ heading: t("mycases.school", { school: school.name, count: cases.length }), rows: cases.map((stored) => describe(stored.value)), empty: t("digest.empty") });
    }
    if (sections.length === 0) return t("mycases.none");
    return listCard({ title: sections.length === 1 ? sections[0]?.heading ?? "" : t("mycases.title", { count: mine.length }), subtitle: "", facts: [], sections, footer: "" });
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

