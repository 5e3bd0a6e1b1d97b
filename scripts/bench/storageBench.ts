/**
 * Storage: how fast the product writes a year of pupil days to Table storage, against bare `@azure/data-tables`
 * batch loops in the same run: one writing the very entities the product writes (one record a pupil), and one
 * writing an entity a pupil day (the obvious layout, and the product's before). Each side gets an Azurite of its
 * own (in memory), so that none pays for another's data.
 */
import { DEFAULT_WORK_DIR } from "../../src/config";
import { TableClient, type TableEntity, type TableTransaction } from "@azure/data-tables";
import type { AbsenceEvent } from "../../src/domain/absence";
import { calendarOf } from "../../src/domain/organisation";
import { readAbsenceFeed } from "../../src/feeds/absenceFeed";
import { DaySpill, type SpilledDay } from "../../src/feeds/daySpill";
import { readOrganisationFile } from "../../src/feeds/organisationFile";
import { readRoster } from "../../src/feeds/rosterFile";
import { openStore } from "../../src/store";
import { encodePupilRecord } from "../../src/store/absenceRepository";
import { startEmbeddedAzurite } from "../../src/store/embeddedAzurite";
import { keyOf } from "../../src/store/storage";
import type { BenchData } from "./generate";

export interface StorageFigures {
  /** Pupil days stored, and the entities that hold them. */
  days: number;
  entities: number;
  seconds: number;
  daysPerSecond: number;
  entitiesPerSecond: number;
}

export interface StorageReport {
  product: StorageFigures;
  /** The product's entities, written by nothing but `submitTransaction` in a loop. */
  bareSameEntities: StorageFigures;
  /** An entity a pupil day, written the same bare way. */
  bareEntityPerDay: StorageFigures;
  /** The product's entities per second divided by the bare loop's for the same entities (1: no overhead of ours). */
  ratioToBare: number;
  /** Pupil days per second, the product's divided by the entity-a-day loop's. */
  daysRatioToEntityPerDay: number;
}

const BATCH = 100;

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function figures(days: number, entities: number, seconds: number): StorageFigures {
  const per = (count: number) => Math.round(count / Math.max(seconds, 1e-9));
  return { days, entities, seconds: round(seconds, 2), daysPerSecond: per(days), entitiesPerSecond: per(entities) };
}

/** The feed's pupil days, a spill bucket at a time, as the nightly run sees them (a pupil's days are in one bucket). */
async function* feedDays(data: BenchData): AsyncGenerator<SpilledDay[]> {
  const organisation = await readOrganisationFile(data.organisation);
  const roster = await readRoster(data.roster, new Set(organisation.schools.map((school) => school.id)));
  const pupils = new Map(roster.pupils.map((pupil) => [pupil.pupilId, pupil]));
  const calendars = new Map(organisation.schools.map((school) => [school.id, calendarOf(school)]));
  const spill = new DaySpill({ workDir: DEFAULT_WORK_DIR });
  try {
    await readAbsenceFeed(data.feed, { pupils, calendars, sink: spill });
    for await (const bucket of spill.days()) yield bucket.days;
  } finally {
    await spill.cleanup();
  }
}

/** Batches of one partition and at most 100 entities, in the order given. */
function batchesOf(entities: TableEntity[]): TableTransaction["actions"][] {
  const byPartition = new Map<string, TableEntity[]>();
  for (const entity of entities) byPartition.set(entity.partitionKey, [...(byPartition.get(entity.partitionKey) ?? []), entity]);
  const batches: TableTransaction["actions"][] = [];
  for (const list of byPartition.values()) {
    for (let start = 0; start < list.length; start += BATCH) batches.push(list.slice(start, start + BATCH).map((entity) => ["upsert", entity, "Replace"]));
  }
  return batches;
}

/** A bare loop: the entities are built outside the timed part; only `submitTransaction` is timed. */
async function bareLoop(connectionString: string, data: BenchData, entitiesOf: (days: SpilledDay[]) => TableEntity[]): Promise<StorageFigures> {
  const table = TableClient.fromConnectionString(connectionString, "benchbare", { allowInsecureConnection: true });
  await table.createTable();
  let days = 0;
  let entities = 0;
  let seconds = 0;
  for await (const bucket of feedDays(data)) {
    const built = entitiesOf(bucket);
    const batches = batchesOf(built);
    const started = performance.now();
    for (const actions of batches) await table.submitTransaction(actions);
    seconds += (performance.now() - started) / 1000;
    days += bucket.length;
    entities += built.length;
  }
  return figures(days, entities, seconds);
}

function entityPerDay(days: SpilledDay[]): TableEntity[] {
  return days.map((day) => ({ partitionKey: day.schoolId, rowKey: `${keyOf(day.pupilId)}|${day.date}`, pupilId: day.pupilId, date: day.date, events: JSON.stringify(day.events) }));
}

function recordPerPupil(days: SpilledDay[]): TableEntity[] {
  const byPupil = new Map<string, { schoolId: string; pupilId: string; days: Map<string, AbsenceEvent[]> }>();
  for (const day of days) {
    const key = `${day.schoolId}\u0000${day.pupilId}`;
    const record = byPupil.get(key) ?? { schoolId: day.schoolId, pupilId: day.pupilId, days: new Map<string, AbsenceEvent[]>() };
    record.days.set(day.date, day.events);
    byPupil.set(key, record);
  }
  return [...byPupil.values()].map((record) => encodePupilRecord(record.schoolId, record.pupilId, record.days).entity);
}

/** The product: `AbsenceRepository.replaceDays`, as the nightly run calls it, bucket by bucket (reads included). */
async function productWrites(connectionString: string, data: BenchData): Promise<StorageFigures> {
  const store = await openStore({ connectionString, tablePrefix: "bench" });
  let days = 0;
  let entities = 0;
  let seconds = 0;
  for await (const bucket of feedDays(data)) {
    const started = performance.now();
    await store.absence.replaceDays(bucket);
    seconds += (performance.now() - started) / 1000;
    days += bucket.length;
    entities += new Set(bucket.map((day) => `${day.schoolId}\u0000${day.pupilId}`)).size;
  }
  return figures(days, entities, seconds);
}

async function inFreshAzurite<T>(work: (connectionString: string) => Promise<T>): Promise<T> {
  const azurite = await startEmbeddedAzurite();
  try {
    return await work(azurite.connectionString);
  } finally {
    await azurite.close();
  }
}

export async function benchStorage(data: BenchData, options: { entityPerDay?: boolean } = {}): Promise<StorageReport> {
  const product = await inFreshAzurite((connectionString) => productWrites(connectionString, data));
  const bareSameEntities = await inFreshAzurite((connectionString) => bareLoop(connectionString, data, recordPerPupil));
  // An entity a day is slow in the emulator (about 2 000 a second): at large sizes it may be left out.
  const bareEntityPerDay = options.entityPerDay === false ? figures(0, 0, 0) : await inFreshAzurite((connectionString) => bareLoop(connectionString, data, entityPerDay));
  return {
    product,
    bareSameEntities,
    bareEntityPerDay,
    ratioToBare: round(product.entitiesPerSecond / Math.max(bareSameEntities.entitiesPerSecond, 1), 2),
    daysRatioToEntityPerDay: bareEntityPerDay.days === 0 ? 0 : round(product.daysPerSecond / Math.max(bareEntityPerDay.daysPerSecond, 1), 2),
  };
}
