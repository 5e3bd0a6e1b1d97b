import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { z } from "zod";
import { isIsoDate } from "../domain/dates";

const day = z.string().refine(isIsoDate, "a date written 2026-11-02");
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time written 10:00");

/** The municipality: the demo's files, or an organisation file and a roster (paths relative to the scenario). */
const Municipality = z.union([
  z.literal("demo"),
  z.object({ organisasjon: z.string().min(1), elevliste: z.string().min(1) }).strict(),
]);

/** What a night's feed is instead of the usual one. */
const FeedException = z.discriminatedUnion("hva", [
  z.object({ natt: day, hva: z.literal("mangler") }).strict(),
  z.object({ natt: day, hva: z.literal("foreldet") }).strict(),
  z.object({ natt: day, hva: z.literal("en skole mangler"), skole: z.string().min(1) }).strict(),
]);

/**
 * The absence feed of every night: the demo's generated feed or a given file, each night holding the rows up to the
 * day the night judges (as an export that grows day by day), except on the nights listed under "unntak".
 */
const Feed = z
  .object({
    kilde: z.union([z.literal("demo"), z.object({ fil: z.string().min(1) }).strict()]),
    unntak: z.array(FeedException).default([]),
  })
  .strict();

const Person = z.object({ id: z.string().min(1), navn: z.string().min(1).optional() }).strict();

const when = { dag: day, kl: clockTime.default("10:00"), hvem: z.string().min(1) };
const pupilWhen = { dag: day, kl: clockTime.default("10:00") };

/** What people do, on a school day at a time (default 10:00). */
const Happening = z.discriminatedUnion("gjør", [
  /** Answers the current task of each of the person's open cases (or only the pupil's), with the given answers. */
  z.object({ ...when, gjør: z.literal("svar"), elev: z.string().min(1).optional(), svar: z.record(z.string()).default({}) }).strict(),
  /** Does nothing: written in the event log, so that a silent person is part of the story. */
  z.object({ ...when, gjør: z.literal("stille") }).strict(),
  /** Puts the current tasks off until a date (default a week later), because a meeting is booked. */
  z.object({ ...when, gjør: z.literal("utsett"), elev: z.string().min(1).optional(), til: day.optional(), grunn: z.string().min(1).default("meeting-booked") }).strict(),
  z.object({ ...when, gjør: z.literal("installer") }).strict(),
  z.object({ ...when, gjør: z.literal("avinstaller") }).strict(),
  /** Writes in the 1:1 chat: "kjør nå", "pause", "mine saker", anything. */
  z.object({ ...when, gjør: z.literal("kommando"), tekst: z.string().min(1) }).strict(),
  /** The roster from that day on no longer has the pupil. */
  z.object({ ...pupilWhen, gjør: z.literal("elev slutter"), elev: z.string().min(1) }).strict(),
  /** The roster from that day on has the pupil at another school (and, if given, another contact teacher). */
  z.object({ ...pupilWhen, gjør: z.literal("elev bytter skole"), elev: z.string().min(1), skole: z.string().min(1), kontaktlærer: z.string().min(1).optional() }).strict(),
]);

/** From a time on, Teams answers the next sends with a failure, as it does when throttling or down. */
const TeamsFailure = z
  .object({
    dag: day,
    kl: clockTime.default("00:00"),
    status: z.union([z.literal(403), z.literal(404), z.literal(429), z.literal(500), z.literal(502), z.literal(503)]),
    antall: z.number().int().min(1).max(100).default(1),
    /** Seconds, for 429 (real seconds: the Bot Framework client waits them). */
    ventSekunder: z.number().int().min(0).max(10).default(1),
  })
  .strict();

export const ScenarioSchema = z
  .object({
    navn: z.string().min(1).optional(),
    kommune: Municipality,
    /** The first day simulated (any day; the term starts there). */
    fra: day,
    uker: z.number().int().min(1).max(52),
    fravær: Feed.default({ kilde: "demo" }),
    /** Names for people, used in "hvem" and as the transcripts' file names; anyone else is known by their Entra id. */
    personer: z.record(Person).default({}),
    /** Who has the app in Teams from the first day ("alle", or a list of names or ids); the others install with "installer". */
    installert: z.union([z.literal("alle"), z.array(z.string().min(1))]).default("alle"),
    hendelser: z.array(Happening).default([]),
    /** Failures of Teams itself: 429 with Retry-After, 5xx, 403, 404. */
    teams: z.array(TeamsFailure).default([]),
    /** Invariants to check beyond those on by default, by name. */
    sjekker: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type Scenario = z.infer<typeof ScenarioSchema>;
export type Happening = z.infer<typeof Happening>;
export type TeamsFailure = z.infer<typeof TeamsFailure>;
export type FeedException = z.infer<typeof FeedException>;

/** A scenario whose files are resolved against its own folder. */
export interface LoadedScenario {
  scenario: Scenario;
  folder: string;
}

/** Reads and checks a scenario file (JSON); every problem is reported with its field. */
export async function loadScenario(path: string): Promise<LoadedScenario> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new Error(`The scenario ${path} cannot be read as JSON: ${(error as Error).message}`);
  }
  return { scenario: parseScenario(raw), folder: dirname(path) };
}

export function parseScenario(raw: unknown): Scenario {
  const parsed = ScenarioSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(the file)"}: ${issue.message}`);
  throw new Error(`The scenario is not valid:\n  ${problems.join("\n  ")}`);
}

export function resolveFrom(folder: string, path: string): string {
  return isAbsolute(path) ? path : join(folder, path);
}
