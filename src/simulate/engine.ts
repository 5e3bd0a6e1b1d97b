import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import type { Clock } from "../clock";
import { ConfigShape } from "../config";
import { addDays, type IsoDate } from "../domain/dates";
import { localInstant } from "../domain/delivery";
import { OrganisationSchema, type Organisation } from "../domain/organisation";
import { DEFAULT_SETTINGS_DOCUMENT } from "../domain/settings";
import { translator } from "../i18n";
import { queueDigests } from "../jobs/digests";
import { runNightly } from "../jobs/nightly";
import { silentLogger } from "../log";
import { openStore, type Store } from "../store";
import { startEmbeddedAzurite } from "../store/embeddedAzurite";
import { SNOOZE_VERB, TASK_VERB } from "../teams/cards";
import { runNow } from "../teams/commands/operations";
import { parseCommand } from "../teams/commands/parse";
import { startBotServer, type BotServer } from "../teams/botServer";
import { invariantsFor, type Delivery, type Invariant, type Violation } from "./invariants";
import { LoopbackConnector } from "./loopbackTeams";
import { resolveFrom, type Happening, type LoadedScenario } from "./scenario";
import { cardAction, installationAdd, installationRemove, message, personalConversationId, postActivity, type TeamsUser } from "./teamsActivities";
import { renderActivity, renderCard, renderTranscript, type TranscriptEntry } from "./transcript";

/** The demo municipality's files, beside the compiled code as the demo reads them. */
const DEMO_FOLDER = join(__dirname, "..", "..", "..", "demo");

/** The product's clock, moved by the simulation only. */
export class SimulatedClock implements Clock {
  constructor(private instant: Date) {}
  now(): Date {
    return new Date(this.instant);
  }
  set(instant: Date): void {
    this.instant = instant;
  }
}

/** One line of the event log. */
export interface SimulationEvent {
  at: string;
  type: "nightly" | "digests" | "delivered" | "refused" | "teams" | "action" | "roster" | "feed" | "violation";
  person?: string | undefined;
  detail: Record<string, unknown>;
}

export interface SimulationOptions {
  loaded: LoadedScenario;
  /** Where the transcripts and events.json go; nothing is written without it. */
  outDir?: string | undefined;
  /** An Azurite (or storage account) to use; by default an embedded one is started and stopped. */
  storage?: { connectionString: string; tablePrefix: string } | undefined;
  /** Called at the end of each simulated day, before the checks (a test injects a fault here). */
  endOfDay?: ((day: { date: IsoDate; teams: LoopbackConnector; bot: BotServer; clock: SimulatedClock; personId(key: string): string }) => Promise<void>) | undefined;
  /** Told of each day as it ends, for progress. */
  onDay?: ((date: IsoDate, violations: number) => void) | undefined;
}

export interface SimulationResult {
  days: number;
  violations: Violation[];
  events: SimulationEvent[];
  /** Markdown per person, by the name the transcript file has. */
  transcripts: Map<string, string>;
  invariants: string[];
}

/**
 * The hours the outbox is looked at, besides right after the product or a person did something: through the school
 * day and at night on the nightly run's weekdays, three times on other days. A message due in between goes out at the
 * next look, still at a time that shows whether it should have gone at all.
 */
const WEEKDAY_DRAINS = [0, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 21];
const DAY_OFF_DRAINS = [0, 10, 21];

/** Far enough ahead that every message waiting in the outbox is due by then. */
const END_OF_TIME = new Date("9999-12-31T00:00:00Z");

/**
 * When the next message in the outbox becomes due (a send waiting for its hour, a retry, a lost claim). A message
 * waiting for a person to add the app is not counted: it goes when they do, and that is a person's action.
 */
async function nextDueAt(store: Store): Promise<string | undefined> {
  const waiting = (await store.outbox.listDue(END_OF_TIME)).filter((message) => message.status !== "pending" || message.lastError !== "no-conversation");
  return waiting.map((message) => (message.status === "pending" ? message.notBefore : (message.claimedUntil ?? ""))).sort()[0];
}

/** "0 7 * * 1-5" as a time of day and the weekdays (1 = Monday) it runs on: the product's schedules, read once. */
function dailySchedule(expression: string): { time: string; weekdays: Set<number> } {
  const match = /^(\d{1,2}) (\d{1,2}) \* \* (\S+)$/.exec(expression.trim());
  if (!match) throw new Error(`The simulator reads schedules of the form 'M H * * D', not '${expression}'`);
  const weekdays = new Set<number>();
  for (const part of (match[3] as string).split(",")) {
    if (part === "*") [1, 2, 3, 4, 5, 6, 7].forEach((day) => weekdays.add(day));
    const [from, to] = part.split("-").map(Number);
    if (from === undefined || Number.isNaN(from)) continue;
    for (let day = from; day <= (to ?? from); day += 1) weekdays.add(day === 0 ? 7 : day);
  }
  return { time: `${match[2]?.padStart(2, "0")}:${match[1]?.padStart(2, "0")}`, weekdays };
}

interface Files {
  folder: string;
  organisation: string;
  roster: string;
  feed: string;
}

/** A CSV of plain fields (the roster and the feed the simulator writes): header and rows as arrays. */
function readCsv(text: string): { header: string[]; rows: string[][] } {
  const [first = "", ...rest] = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  return { header: first.split(","), rows: rest.map((line) => line.split(",")) };
}
const writeCsv = (header: string[], rows: string[][]) => [header, ...rows].map((row) => row.join(",")).join("\n") + "\n";

/**
 * Runs a scenario: the real bot server, nightly job, digests and outbox sender on a simulated clock, hour by hour
 * through the term, against a loopback Teams; people act by posting Teams activities. Checks the invariants at the
 * end of every day.
 */
export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const { scenario, folder: scenarioFolder } = options.loaded;
  const invariants: Invariant[] = invariantsFor(scenario.sjekker);
  const stops: (() => Promise<unknown>)[] = [];
  try {
    // The files of the municipality, in a folder of the run's own: the roster and the feed change as the term goes.
    const work = await mkdtemp(join(tmpdir(), "tidlig-simulate-"));
    stops.push(() => rm(work, { recursive: true, force: true }));
    const source = scenario.kommune === "demo" ? { organisation: join(DEMO_FOLDER, "organisation.json"), roster: join(DEMO_FOLDER, "roster.csv") } : { organisation: resolveFrom(scenarioFolder, scenario.kommune.organisasjon), roster: resolveFrom(scenarioFolder, scenario.kommune.elevliste) };
    const files: Files = { folder: work, organisation: join(work, "organisation.json"), roster: join(work, "roster.csv"), feed: join(work, "feed.csv") };
    const organisationText = await readFile(source.organisation, "utf8");
    await writeFile(files.organisation, organisationText);
    await writeFile(files.roster, await readFile(source.roster, "utf8"));
    const organisation: Organisation = OrganisationSchema.parse(JSON.parse(organisationText));
    const baseFeed = readCsv(await readFile(scenario.fravær.kilde === "demo" ? join(DEMO_FOLDER, "feed.csv") : resolveFrom(scenarioFolder, scenario.fravær.kilde.fil), "utf8"));

    const clock = new SimulatedClock(localInstant(scenario.fra, "00:00", organisation.timeZone));
    let storage = options.storage;
    if (!storage) {
      const azurite = await startEmbeddedAzurite();
      stops.push(() => azurite.close());
      storage = { connectionString: azurite.connectionString, tablePrefix: "sim" };
    }
    const store: Store = await openStore({ connectionString: storage.connectionString, tablePrefix: storage.tablePrefix });
    const teams = await new LoopbackConnector(clock).start();
    stops.push(() => teams.stop());
    const nightlyFiles = { organisationPath: files.organisation, rosterPath: files.roster, feedPath: files.feed, workDir: join(work, "run") };
    const bot = await startBotServer({
      config: { PORT: 0, BOT_ID: undefined, BOT_PASSWORD: undefined, BOT_TENANT_ID: undefined, BOT_TYPE: "SingleTenant", BOT_SERVICE_URL: undefined, OUTBOX_POLL_SECONDS: 3600, DEFAULT_LOCALE: "nb" },
      store,
      clock,
      logger: silentLogger,
      nightlyFiles,
    });
    stops.push(() => bot.close());

    const people = new People(scenario.personer, organisation);
    const startRoster = readCsv(await readFile(files.roster, "utf8"));
    const teacherColumn = startRoster.header.indexOf("contact_teacher_id");
    people.rosterTeachers = [...new Set(startRoster.rows.flatMap((row) => (row[teacherColumn] ?? "").split("|").filter(Boolean)))];
    const events: SimulationEvent[] = [];
    const entries = new Map<string, TranscriptEntry[]>();
    const violations: Violation[] = [];
    const seen = { index: 0 };
    const record = (event: Omit<SimulationEvent, "at">) => events.push({ at: clock.now().toISOString(), ...event });
    const note = (personId: string, entry: TranscriptEntry) => {
      const list = entries.get(personId) ?? [];
      list.push(entry);
      entries.set(personId, list);
    };

    /** What reached Teams since the last look: into the transcripts, the event log, and the day's deliveries. */
    const collect = (kind: "push" | "reply", deliveries: Delivery[]) => {
      for (const request of teams.received.slice(seen.index)) {
        if (request.body.type === "typing" || !request.conversationId || request.method === "GET") continue;
        const personId = people.fromConversation(request.conversationId);
        if (request.status >= 300) {
          // Teams refused it (the app removed, throttled, down): the person did not read it, the log keeps it.
          record({ type: "refused", person: people.label(personId), detail: { status: request.status, headline: renderActivity(request.body)[0] ?? "" } });
          continue;
        }
        const lines = renderActivity(request.body);
        const delivered = request.method === "PUT" ? "update" : kind;
        const at = request.clockAt ?? clock.now().toISOString();
        note(personId, { at, kind: delivered, lines });
        deliveries.push({ at, personId, kind: delivered, headline: (lines[0] ?? "").replace(/\*\*/g, "") });
        record({ type: "delivered", person: people.label(personId), detail: { kind: delivered, headline: lines[0] ?? "", status: request.status } });
      }
      seen.index = teams.received.length;
    };
    // When the outbox next has something to send, so that a look at an hour with nothing due costs nothing.
    let nextDue: string | undefined = clock.now().toISOString();
    const drain = async (deliveries: Delivery[]) => {
      await bot.sender.drain();
      collect("push", deliveries);
      nextDue = await nextDueAt(store);
    };

    const installed = scenario.installert === "alle" ? people.everyone() : scenario.installert.map((key) => people.id(key));
    for (const personId of installed) await postActivity(bot.url, installationAdd(people.user(personId), teams.url));
    collect("reply", []);

    const nightly = dailySchedule(ConfigShape.shape.NIGHTLY_SCHEDULE.parse(undefined));
    const digests = dailySchedule(ConfigShape.shape.DIGEST_SCHEDULE.parse(undefined));
    const totalDays = scenario.uker * 7;
    let feedIsFresh = false;
    for (let offset = 0; offset < totalDays; offset += 1) {
      const date = addDays(scenario.fra, offset);
      const weekday = DateTime.fromISO(date).weekday;
      const deliveries: Delivery[] = [];
      for (let hour = 0; hour < 24; hour += 1) {
        const time = `${String(hour).padStart(2, "0")}:00`;
        let acted = false;
        clock.set(localInstant(date, time, organisation.timeZone));
        if (nightly.weekdays.has(weekday) && nightly.time.slice(0, 2) === time.slice(0, 2)) {
          clock.set(localInstant(date, nightly.time, organisation.timeZone));
          feedIsFresh = await writeFeedForNight(files, baseFeed, addDays(date, -1), scenario.fravær.unntak.find((exception) => exception.natt === date), feedIsFresh, record);
          const summary = await runNightly({ store, clock, logger: silentLogger, t: translator("nb") }, { ...nightlyFiles, oncePerNight: true });
          record({ type: "nightly", detail: { ...summary } });
          acted = true;
        }
        if (digests.weekdays.has(weekday) && digests.time.slice(0, 2) === time.slice(0, 2)) {
          clock.set(localInstant(date, digests.time, organisation.timeZone));
          record({ type: "digests", detail: { queued: await queueDigests({ store, clock }) } });
          acted = true;
        }
        for (const failure of scenario.teams.filter((candidate) => candidate.dag === date && candidate.kl.slice(0, 2) === time.slice(0, 2))) {
          const headers: Record<string, string> = failure.status === 429 ? { "retry-after": String(failure.ventSekunder) } : {};
          teams.failNext(...Array.from({ length: failure.antall }, () => ({ status: failure.status, headers })));
          record({ type: "teams", detail: { ...failure } });
        }
        for (const happening of scenario.hendelser.filter((candidate) => candidate.dag === date && candidate.kl.slice(0, 2) === time.slice(0, 2))) {
          clock.set(localInstant(date, happening.kl, organisation.timeZone));
          await act(happening, { store, bot, teams, files, people, record, note, clock });
          collect("reply", deliveries);
          acted = true;
        }
        const looks = (nightly.weekdays.has(weekday) ? WEEKDAY_DRAINS : DAY_OFF_DRAINS).includes(hour);
        if (acted || (looks && nextDue !== undefined && nextDue <= clock.now().toISOString())) await drain(deliveries);
      }
      const settings = (await store.settings.current())?.document ?? DEFAULT_SETTINGS_DOCUMENT;
      await options.endOfDay?.({ date, teams, bot, clock, personId: (key) => people.id(key) });
      collect("push", deliveries);
      const roster = readCsv(await readFile(files.roster, "utf8"));
      const day = { day: date, deliveries, store, organisation, settings, schoolsOf: (personId: string) => people.schoolsOf(personId, roster), label: (personId: string) => people.label(personId) };
      for (const invariant of invariants) {
        for (const violation of await invariant.check(day)) {
          violations.push(violation);
          record({ type: "violation", person: violation.person, detail: { ...violation } });
        }
      }
      options.onDay?.(date, violations.length);
    }

    const transcripts = new Map<string, string>();
    for (const personId of new Set([...people.everyone(), ...entries.keys()])) {
      transcripts.set(people.fileName(personId), renderTranscript(people.title(personId), entries.get(personId) ?? [], organisation.timeZone));
    }
    if (options.outDir) {
      await mkdir(options.outDir, { recursive: true });
      for (const [name, text] of transcripts) await writeFile(join(options.outDir, `${name}.md`), text);
      await writeFile(join(options.outDir, "events.json"), JSON.stringify(events, null, 2));
    }
    return { days: totalDays, violations, events, transcripts, invariants: invariants.map((invariant) => invariant.name) };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

/** Writes the feed the night reads; returns whether the file now holds a fresh export. */
async function writeFeedForNight(files: Files, base: { header: string[]; rows: string[][] }, asOf: IsoDate, exception: Happening | { hva: string; skole?: string } | undefined, wasFresh: boolean, record: (event: Omit<SimulationEvent, "at">) => void): Promise<boolean> {
  const dateColumn = base.header.indexOf("date");
  const rows = base.rows.filter((row) => (row[dateColumn] ?? "") <= asOf);
  const kind = exception && "hva" in exception ? exception.hva : "normal";
  if (kind === "mangler") {
    await rm(files.feed, { force: true });
    record({ type: "feed", detail: { night: asOf, feed: "missing" } });
    return false;
  }
  if (kind === "foreldet" && wasFresh) {
    record({ type: "feed", detail: { night: asOf, feed: "stale: last night's file again" } });
    return true;
  }
  if (kind === "en skole mangler" && exception && "skole" in exception) {
    const roster = readCsv(await readFile(files.roster, "utf8"));
    const pupilColumn = roster.header.indexOf("pupil_id");
    const schoolColumn = roster.header.indexOf("school_id");
    const leaving = new Set(roster.rows.filter((row) => row[schoolColumn] === exception.skole).map((row) => row[pupilColumn]));
    const pupilInFeed = base.header.indexOf("pupil_id");
    await writeFile(files.feed, writeCsv(base.header, rows.filter((row) => !leaving.has(row[pupilInFeed]))));
    record({ type: "feed", detail: { night: asOf, feed: `without school ${exception.skole}` } });
    return true;
  }
  await writeFile(files.feed, writeCsv(base.header, rows));
  return true;
}

interface ActContext {
  store: Store;
  bot: BotServer;
  teams: LoopbackConnector;
  files: Files;
  people: People;
  clock: SimulatedClock;
  record: (event: Omit<SimulationEvent, "at">) => void;
  note: (personId: string, entry: TranscriptEntry) => void;
}

/** Waits (on the real clock, a minute at most) until the outbox holds the summary of a run started from Teams. */
async function summaryQueued(store: Store, subject: string): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    if ((await store.outbox.list()).some((queued) => queued.subject === subject)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The answers a follow-up task takes when the scenario gives none: contacted the guardians, nothing more known. */
const DEFAULT_ANSWERS = { guardiansContacted: "yes", documented: "yes", cause: "unknown", pupilHeard: "no", nurseInformed: "no" };

/** One thing a person does (or a roster change), as Teams or the next export would carry it. */
async function act(happening: Happening, context: ActContext): Promise<void> {
  const { bot, teams, people, record, note, clock } = context;
  const at = () => clock.now().toISOString();
  if (happening.gjør === "elev slutter" || happening.gjør === "elev bytter skole") {
    const roster = readCsv(await readFile(context.files.roster, "utf8"));
    const pupil = roster.header.indexOf("pupil_id");
    const school = roster.header.indexOf("school_id");
    const teacher = roster.header.indexOf("contact_teacher_id");
    const rows = happening.gjør === "elev slutter"
      ? roster.rows.filter((row) => row[pupil] !== happening.elev)
      : roster.rows.map((row) => (row[pupil] === happening.elev ? row.map((field, index) => (index === school ? happening.skole : index === teacher && happening.kontaktlærer ? people.id(happening.kontaktlærer) : field)) : row));
    await writeFile(context.files.roster, writeCsv(roster.header, rows));
    record({ type: "roster", detail: { ...happening } });
    return;
  }
  const personId = people.id(happening.hvem);
  const user = people.user(personId);
  const person = people.label(personId);
  const post = async (activity: Record<string, unknown>, said: string) => {
    note(personId, { at: at(), kind: "own", lines: [said] });
    const answer = await postActivity(bot.url, activity);
    const value = answer.body.value as Record<string, unknown> | undefined;
    if (value && answer.body.type === "application/vnd.microsoft.card.adaptive") note(personId, { at: at(), kind: "reply", lines: renderCard(value) });
    else if (typeof value === "string") note(personId, { at: at(), kind: "reply", lines: [value] });
    record({ type: "action", person, detail: { does: happening.gjør, said, status: answer.status } });
  };
  switch (happening.gjør) {
    case "stille":
      record({ type: "action", person, detail: { does: "stille" } });
      return;
    case "installer":
      teams.uninstalled.delete(personalConversationId(user));
      await post(installationAdd(user, teams.url), "legger til Tidlig i Teams");
      return;
    case "avinstaller":
      await post(installationRemove(user, teams.url), "fjerner Tidlig fra Teams");
      teams.uninstalled.add(personalConversationId(user));
      return;
    case "kommando": {
      const startedAt = clock.now().toISOString();
      await post(message(user, teams.url, happening.tekst), happening.tekst);
      // "kjør nå" runs in the background: the simulated clock waits for its summary, as a person would for a minute.
      if (parseCommand([runNow], happening.tekst)) await summaryQueued(context.store, `run:${startedAt}`);
      return;
    }
    case "svar":
    case "utsett": {
      const open = (await context.store.cases.listOpen()).map((stored) => stored.value).filter((absenceCase) => absenceCase.current && absenceCase.teacherIds.includes(personId) && (!happening.elev || absenceCase.pupilId === happening.elev));
      if (open.length === 0) record({ type: "action", person, detail: { does: happening.gjør, outcome: "no task to answer" } });
      for (const absenceCase of open) {
        const own = { caseId: absenceCase.caseId, schoolId: absenceCase.schoolId, serial: absenceCase.current?.serial ?? 0 };
        if (happening.gjør === "svar") {
          const answers = Object.keys(happening.svar).length > 0 ? happening.svar : DEFAULT_ANSWERS;
          await post(cardAction(user, teams.url, TASK_VERB, { ...own, ...answers }), `svarer på oppgaven om elev ${absenceCase.pupilId}: ${Object.values(answers).join(", ")}`);
        } else {
          const until = happening.til ?? addDays(happening.dag, 7);
          await post(cardAction(user, teams.url, SNOOZE_VERB, { ...own, snoozeReason: happening.grunn, snoozeUntil: until }), `utsetter oppgaven om elev ${absenceCase.pupilId} til ${until}`);
        }
      }
      return;
    }
  }
}

/** Who is who: the scenario's names, the organisation's leaders and coordinators, the roster's contact teachers. */
class People {
  private readonly keyOf = new Map<string, string>();
  constructor(
    private readonly named: Record<string, { id: string; navn?: string | undefined }>,
    private readonly organisation: Organisation,
  ) {
    for (const [key, person] of Object.entries(named)) this.keyOf.set(person.id, key);
  }

  id(keyOrId: string): string {
    return this.named[keyOrId]?.id ?? keyOrId;
  }

  label(personId: string): string {
    return this.keyOf.get(personId) ?? personId;
  }

  title(personId: string): string {
    const key = this.keyOf.get(personId);
    return key ? `${this.named[key]?.navn ?? key} (${key})` : personId;
  }

  fileName(personId: string): string {
    return this.label(personId).replace(/[^\p{L}\p{N}._-]+/gu, "-");
  }

  user(personId: string): TeamsUser {
    const key = this.keyOf.get(personId);
    return { aadObjectId: personId, name: (key && this.named[key]?.navn) || key || personId };
  }

  fromConversation(conversationId: string): string {
    return conversationId.startsWith("a:personal-") ? conversationId.slice("a:personal-".length) : conversationId;
  }

  /** Everyone the organisation file names, and the contact teachers of the roster the term starts with. */
  everyone(): string[] {
    const ids = new Set<string>([...Object.values(this.named).map((person) => person.id), ...this.organisation.coordinators]);
    for (const school of this.organisation.schools) school.leaders.forEach((leader) => ids.add(leader));
    for (const id of this.rosterTeachers) ids.add(id);
    return [...ids];
  }

  rosterTeachers: string[] = [];

  schoolsOf(personId: string, roster: { header: string[]; rows: string[][] }): string[] {
    if (this.organisation.coordinators.includes(personId)) return this.organisation.schools.map((school) => school.id);
    const schools = new Set(this.organisation.schools.filter((school) => school.leaders.includes(personId) || school.resourceTeam?.channelId === personId).map((school) => school.id));
    const school = roster.header.indexOf("school_id");
    const teacher = roster.header.indexOf("contact_teacher_id");
    for (const row of roster.rows) if ((row[teacher] ?? "").split("|").includes(personId)) schools.add(row[school] ?? "");
    return [...schools];
  }
}
