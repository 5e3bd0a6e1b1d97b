import { odata, type TableEntity, type TableTransaction } from "@azure/data-tables";
import type { AbsenceEvent, PupilDay } from "../domain/absence";
import { joinText, splitText } from "./chunkedText";
import { isNotFound, keyOf, type Storage } from "./storage";

/**
 * One entity per pupil (partition: the school), holding every stored school day with its events. A pupil with
 * absence on 17 days of a year is one entity, not 17: a whole year of a municipality is written and read with a
 * twentieth of the storage operations, and a school's records are one partition read.
 */
interface PupilAbsenceEntity {
  partitionKey: string;
  rowKey: string;
  pupilId: string;
  /** How many `d<n>` chunks hold the days: `[[date, events], ...]` as JSON, cut where a property must end. */
  chunks: number;
  [chunk: `d${number}`]: string;
}

export interface SchoolPupilDay extends PupilDay {
  schoolId: string;
}

/** A batch transaction carries at most 100 operations and 4 MiB; stay well below the size. */
const BATCH_ENTITIES = 100;
const BATCH_CHARACTERS = 1_500_000;

type DayList = [string, AbsenceEvent[]][];

/** A record as it is written (the keys, the pupil, the days cut into chunks), and its size in characters. */
export interface EncodedRecord {
  entity: TableEntity & { chunks: number };
  characters: number;
}

/** The entity that holds one pupil's days, as it is written (exported for the benchmark's bare baseline). */
export function encodePupilRecord(schoolId: string, pupilId: string, days: ReadonlyMap<string, AbsenceEvent[]>): EncodedRecord {
  const text = JSON.stringify([...days.entries()].sort(([a], [b]) => a.localeCompare(b)));
  const { chunks, properties } = splitText(text, "d");
  return { entity: { partitionKey: schoolId, rowKey: keyOf(pupilId), pupilId, chunks, ...properties }, characters: text.length };
}

function decode(entity: PupilAbsenceEntity): PupilDay[] {
  const text = joinText(entity, "d", entity.chunks);
  const days = text === "" ? [] : (JSON.parse(text) as DayList);
  return days.map(([date, events]) => ({ pupilId: entity.pupilId, date, events }));
}

/** What is known about each pupil's school days; a day read again replaces the stored one (a correction). */
export class AbsenceRepository {
  constructor(private readonly storage: Storage) {}

  private get table() {
    return this.storage.table("pupilabsence");
  }

  /** Stores the days, replacing a pupil's stored day of the same date; the pupil's other days are kept. */
  async replaceDays(days: readonly SchoolPupilDay[]): Promise<void> {
    const bySchool = new Map<string, Map<string, SchoolPupilDay[]>>();
    for (const day of days) {
      const pupils = bySchool.get(day.schoolId) ?? new Map<string, SchoolPupilDay[]>();
      const list = pupils.get(day.pupilId) ?? [];
      list.push(day);
      pupils.set(day.pupilId, list);
      bySchool.set(day.schoolId, pupils);
    }
    for (const [schoolId, pupils] of bySchool) {
      const stored = await this.storedRecords(schoolId, [...pupils.keys()]);
      const entities = [...pupils].map(([pupilId, changed]) => {
        const merged = new Map((stored.get(pupilId) ?? []).map((day) => [day.date, day.events]));
        for (const day of changed) merged.set(day.date, day.events);
        return encodePupilRecord(schoolId, pupilId, merged);
      });
      await this.upsert(entities);
    }
  }

  /** The stored days of these pupils of a school: a partition read when they are many, point reads when few. */
  private async storedRecords(schoolId: string, pupilIds: string[]): Promise<Map<string, PupilDay[]>> {
    if (pupilIds.length > 20) return this.listSchool(schoolId);
    const records = new Map<string, PupilDay[]>();
    for (const pupilId of pupilIds) records.set(pupilId, await this.listPupil(schoolId, pupilId));
    return records;
  }

  /** Batch transactions of one partition (the callers' entities are), bounded in count and size. */
  private async upsert(records: EncodedRecord[]): Promise<void> {
    let batch: TableTransaction["actions"] = [];
    let characters = 0;
    for (const { entity, characters: entityCharacters } of records) {
      const entitySize = entityCharacters + 200;
      if (batch.length > 0 && (batch.length >= BATCH_ENTITIES || characters + entitySize > BATCH_CHARACTERS)) {
        await this.table.submitTransaction(batch);
        batch = [];
        characters = 0;
      }
      batch.push(["upsert", entity, "Replace"]);
      characters += entitySize;
    }
    if (batch.length > 0) await this.table.submitTransaction(batch);
  }

  /** Every stored day of a school's pupils, by pupil; with `between`, only the days in that range (both ends included). */
  async listSchool(schoolId: string, between?: { from: string; to: string }): Promise<Map<string, PupilDay[]>> {
    const byPupil = new Map<string, PupilDay[]>();
    const seen = new Set<string>();
    const entities = this.table.listEntities<PupilAbsenceEntity>({ queryOptions: { filter: odata`PartitionKey eq ${schoolId}` } });
    for await (const entity of entities) {
      // The entity's own keys are the truth, whatever the storage did with the filter.
      if (entity.partitionKey !== schoolId) continue;
      // A storage that pages wrongly (an emulator sharing a process with restify did) must fail, not hang.
      if (seen.has(entity.rowKey)) throw new Error(`storage returned the absence of ${entity.rowKey} of ${schoolId} twice: its paging is broken`);
      seen.add(entity.rowKey);
      const days = decode(entity).filter((day) => !between || (day.date >= between.from && day.date <= between.to));
      if (days.length > 0) byPupil.set(entity.pupilId, days);
    }
    return byPupil;
  }

  /** Every stored day of one pupil. */
  async listPupil(schoolId: string, pupilId: string): Promise<PupilDay[]> {
    try {
      return decode(await this.table.getEntity<PupilAbsenceEntity>(schoolId, keyOf(pupilId)));
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }

  /** Deletes every stored day of one pupil; returns how many days there were. */
  async deletePupil(schoolId: string, pupilId: string): Promise<number> {
    const days = await this.listPupil(schoolId, pupilId);
    if (days.length > 0) await this.table.deleteEntity(schoolId, keyOf(pupilId));
    return days.length;
  }
}
