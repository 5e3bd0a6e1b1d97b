import { dateInZone } from "../../domain/dates";
import { formatDateTime, translator } from "../../i18n";
import { browsableListCard } from "../cards";
import { pageOf, type Command } from "./command";
import { pausedSchools } from "./settings";

export const status: Command = {
  help: "cmd.status",
  role: "coordinator",
  names: ["status"],
  async run(context, args) {
    const { store, clock, locale, organisation, services, roles } = context;
    const t = translator(locale);
    const timeZone = organisation?.timeZone ?? "Europe/Oslo";
    // A school's coordinator sees their schools only; the municipality's coordinator sees every school.
    const schools = new Set(roles.coordinatorOf);
    const wholeMunicipality = roles.municipalityCoordinator;
    const [lastRun, allOpen, conversations, allPaused, pupils] = await Promise.all([store.runs.latest(), store.cases.listOpen(), store.conversations.list(), pausedSchools(store, organisation), store.pupils.listAll()]);
    const open = allOpen.filter((stored) => schools.has(stored.value.schoolId));
    const paused = [...allPaused].filter((schoolId) => schools.has(schoolId));
    const peopleOfSchools = new Set([
      ...pupils.filter((pupil) => schools.has(pupil.schoolId)).flatMap((pupil) => pupil.contactTeacherIds),
      ...(organisation?.schools ?? []).filter((school) => schools.has(school.id)).flatMap((school) => [...school.leaders, ...school.coordinators]),
    ]);
    const today = dateInZone(clock.now(), timeZone);
    const byStep = new Map<number, number>();
    for (const stored of open) byStep.set(stored.value.step, (byStep.get(stored.value.step) ?? 0) + 1);
    const summary = lastRun?.summary as { rows?: number; rejected?: unknown[]; failure?: unknown } | undefined;
    const next = services.nextRun?.();
    const unreachable = conversations.filter((conversation) => conversation.unreachable && (wholeMunicipality || peopleOfSchools.has(conversation.userId)));
    const names = new Map((organisation?.schools ?? []).map((school) => [school.id, school.name]));
    // The feed's row counts are the whole municipality's: a school's coordinator is told when it was read.
    const lastRunValue = lastRun
      ? summary?.failure !== undefined
        ? t("status.lastRunFailed", { at: formatDateTime(locale, lastRun.finishedAt, timeZone) })
        : wholeMunicipality
        ? t("status.lastRunValue", { at: formatDateTime(locale, lastRun.finishedAt, timeZone), rows: summary?.rows ?? 0, rejected: summary?.rejected?.length ?? 0 })
        : formatDateTime(locale, lastRun.finishedAt, timeZone)
      : t("status.none");
    // The people who cannot be reached are listed a page at a time; the numbers stay on the first page.
    const unreachableRows = unreachable.map((conversation) => ({ title: conversation.name ?? conversation.userId, detail: "" })).sort((a, b) => a.title.localeCompare(b.title, "nb"));
    const model = {
      title: t("status.title"),
      subtitle: services.isRunning?.() ? t("status.running") : "",
      facts: [
        { title: t("status.lastRun"), value: lastRunValue },
        { title: t("status.nextRun"), value: next ? formatDateTime(locale, next.toISOString(), timeZone) : t("status.notScheduled") },
        { title: t("status.openCases"), value: [...byStep.entries()].sort(([a], [b]) => a - b).map(([step, count]) => t("whatIf.step", { step, count })).join(", ") || "0" },
        { title: t("status.overdue"), value: String(open.filter((stored) => stored.value.current && stored.value.current.dueOn < today).length) },
        { title: t("status.unreachable"), value: String(unreachable.length) },
        { title: t("status.paused"), value: paused.length === 0 ? t("digest.empty") : paused.map((id) => names.get(id) ?? id).join(", ") },
      ],
      sections: unreachableRows.length === 0 ? [] : [{ heading: t("status.unreachable"), rows: unreachableRows, empty: "" }],
      footer: "",
    };
    return browsableListCard(model, { page: pageOf(context, args[0]), locale, data: (page) => ({ list: "status", page }) });
  },
};

export const runNow: Command = {
  help: "cmd.run",
  role: "coordinator",
  names: ["kjør nå", "kjor na", "run now", "kjør"],
  async run({ locale, services, userId }) {
    const t = translator(locale);
    const outcome = services.runNow ? await services.runNow(userId) : "not-configured";
    if (outcome === "running") return t("run.alreadyRunning");
    if (outcome === "not-configured") return t("run.notConfigured");
    return t("run.started");
  },
};
