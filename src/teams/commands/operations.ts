import { dateInZone } from "../../domain/dates";
import { formatDateTime, translator } from "../../i18n";
import { listCard } from "../cards";
import type { Command } from "./command";
import { pausedSchools } from "./settings";

export const status: Command = {
  help: "cmd.status",
  role: "coordinator",
  names: ["status"],
  async run({ store, clock, locale, organisation, services }) {
    const t = translator(locale);
    const timeZone = organisation?.timeZone ?? "Europe/Oslo";
    const [lastRun, open, conversations, paused] = await Promise.all([store.runs.latest(), store.cases.listOpen(), store.conversations.list(), pausedSchools(store, organisation)]);
    const today = dateInZone(clock.now(), timeZone);
    const byStep = new Map<number, number>();
    for (const stored of open) byStep.set(stored.value.step, (byStep.get(stored.value.step) ?? 0) + 1);
    const summary = lastRun?.summary as { rows?: number; rejected?: unknown[] } | undefined;
    const next = services.nextRun?.();
    const unreachable = conversations.filter((conversation) => conversation.unreachable);
    const names = new Map((organisation?.schools ?? []).map((school) => [school.id, school.name]));
    return listCard({
      title: t("status.title"),
      subtitle: services.isRunning?.() ? t("status.running") : "",
      facts: [
        { title: t("status.lastRun"), value: lastRun ? t("status.lastRunValue", { at: formatDateTime(locale, lastRun.finishedAt, timeZone), rows: summary?.rows ?? 0, rejected: summary?.rejected?.length ?? 0 }) : t("status.none") },
        { title: t("status.nextRun"), value: next ? formatDateTime(locale, next.toISOString(), timeZone) : t("status.notScheduled") },
        { title: t("status.openCases"), value: [...byStep.entries()].sort(([a], [b]) => a - b).map(([step, count]) => t("whatIf.step", { step, count })).join(", ") || "0" },
        { title: t("status.overdue"), value: String(open.filter((stored) => stored.value.current && stored.value.current.dueOn < today).length) },
        { title: t("status.unreachable"), value: unreachable.length === 0 ? "0" : unreachable.map((conversation) => conversation.name ?? conversation.userId).join(", ") },
        { title: t("status.paused"), value: paused.size === 0 ? t("digest.empty") : [...paused].map((id) => names.get(id) ?? id).join(", ") },
      ],
      sections: [],
      footer: "",
    });
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
