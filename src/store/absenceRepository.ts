import type { AbsenceEvent, PupilDay } from "../domain/absence";
import { odata } from "@azure/data-tables";
import { deleteInBatches, keyOf, upsertInBatches, type Storage } from "./storage";

interface PupilDayEntity {
  partitionKey: string;
  rowKey: string;
  pupilId: string;
  date: string;
  events: string;
}

export interface SchoolPupilDay extends PupilDay {
  schoolId: string;
}

/** What is known about each pupil's school days; a day read again replaces the stored one (a correction). */
export class AbsenceRepository {
  constructor(private readonly storage: Storage) {}

  private get table() {
    return this.storage.table("absence");
  }

  async replaceDays(days: readonly SchoolPupilDay[]): Promise<void> {
    await upsertInBatches(
      this.table,
      days.map((day) => ({
        partitionKey: day.schoolId,
        rowKey: `${keyOf(day.pupilId)}|${day.date}`,
        pupilId: day.pupilId,
        date: day.date,
        events: JSON.stringify(day.events),
      })),
      "Replace",
    );
  }

  /** Every stored day of a school's pupils, by pupil; with `between`, only the days in that range (both ends included). */
  async listSchool(schoolId: string, between?: { from: string; to: string }): Promise<Map<string, PupilDay[]>> {
    const byPupil = new Map<string, PupilDay[]>();
    const filter = between ? odata`PartitionKey eq ${schoolId} and date ge ${between.from} and date le ${between.to}` : odata`PartitionKey eq ${schoolId}`;
    const entities = this.table.listEntities<PupilDayEntity>({ queryOptions: { filter } });
    const seen = new Set<string>();
    for await (const entity of entities) {
      // The entity's own keys are the truth, whatever the storage did with the filter.
      if (entity.partitionKey !== schoolId || (between && (entity.date < between.from || entity.date > between.to))) continue;
      // A storage that pages wrongly (an emulator sharing a process with restify did) must fail, not hang.
      if (seen.has(entity.rowKey)) throw new Error(`storage returned absence day ${entity.rowKey} of ${schoolId} twice: its paging is broken`);
      seen.add(entity.rowKey);
      const list = byPupil.get(entity.pupilId) ?? [];
      list.push({ pupilId: entity.pupilId, date: entity.date, events: JSON.parse(entity.events) as AbsenceEvent[] });
      byPupil.set(entity.pupilId, list);
    }
    return byPupil;
  }

  /** Deletes every stored day of one pupil. */
  async deletePupil(schoolId: string, pupilId: string): Promise<number> {
    const days = await this.listPupil(schoolId, pupilId);
    await deleteInBatches(this.table, days.map((day) => ({ partitionKey: schoolId, rowKey: `${keyOf(pupilId)}|${day.date}` })));
    return days.length;
  }

  /** Every stored day of one pupil. */
  async listPupil(schoolId: string, pupilId: string): Promise<PupilDay[]> {
    const prefix = `${keyOf(pupilId)}|`;
    const filter = odata`PartitionKey eq ${schoolId} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`;
    const days: PupilDay[] = [];
    for await (const entity of this.table.listEntities<PupilDayEntity>({ queryOptions: { filter } })) {
      if (entity.partitionKey === schoolId && entity.pupilId === pupilId) days.push({ pupilId, date: entity.date, events: JSON.parse(entity.events) as AbsenceEvent[] });
    }
    return days;
  }
}
