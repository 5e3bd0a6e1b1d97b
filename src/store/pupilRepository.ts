import type { Pupil } from "../domain/roster";
import { isNotFound, keyOf, upsertInBatches, type Storage } from "./storage";

interface PupilEntity {
  partitionKey: string;
  rowKey: string;
  pupilId: string;
  name: string;
  group: string;
  grade?: number;
  contactTeacherIds: string;
  enrolledFrom?: string;
  /** The first night the pupil was no longer on the roster (empty while on it). */
  leftOn?: string;
}

function toPupil(entity: PupilEntity): Pupil {
  return {
    pupilId: entity.pupilId,
    name: entity.name,
    schoolId: entity.partitionKey,
    group: entity.group,
    grade: entity.grade ?? undefined,
    contactTeacherIds: JSON.parse(entity.contactTeacherIds) as string[],
    enrolledFrom: entity.enrolledFrom || undefined,
  };
}

/** The roster as last read: pupils by school. */
export class PupilRepository {
  constructor(private readonly storage: Storage) {}

  private get table() {
    return this.storage.table("pupils");
  }

  /** Stores the roster as read: only pupils that are new, changed, or back on the roster are written. */
  async saveAll(pupils: readonly Pupil[]): Promise<void> {
    const stored = new Map<string, PupilEntity>();
    for await (const entity of this.table.listEntities<PupilEntity>()) stored.set(`${entity.partitionKey}|${entity.rowKey}`, entity);
    const entities = pupils.map((pupil) => ({
      partitionKey: pupil.schoolId,
      rowKey: keyOf(pupil.pupilId),
      pupilId: pupil.pupilId,
      name: pupil.name,
      group: pupil.group,
      grade: pupil.grade,
      contactTeacherIds: JSON.stringify(pupil.contactTeacherIds),
      enrolledFrom: pupil.enrolledFrom ?? "",
    }));
    const unchanged = (entity: (typeof entities)[number]) => {
      const before = stored.get(`${entity.partitionKey}|${entity.rowKey}`);
      return (
        before !== undefined &&
        !before.leftOn &&
        before.name === entity.name &&
        before.group === entity.group &&
        (before.grade ?? undefined) === entity.grade &&
        before.contactTeacherIds === entity.contactTeacherIds &&
        (before.enrolledFrom ?? "") === entity.enrolledFrom
      );
    };
    await upsertInBatches(this.table, entities.filter((entity) => !unchanged(entity)));
  }

  async get(schoolId: string, pupilId: string): Promise<Pupil | undefined> {
    try {
      return toPupil(await this.table.getEntity<PupilEntity>(schoolId, keyOf(pupilId)));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Pupils stored but no longer on the roster get the date they were first missed; retention counts from it. */
  async markLeft(rosterIds: ReadonlySet<string>, on: string): Promise<void> {
    for await (const entity of this.table.listEntities<PupilEntity>()) {
      if (rosterIds.has(entity.pupilId) || entity.leftOn) continue;
      await this.table.updateEntity({ partitionKey: entity.partitionKey, rowKey: entity.rowKey, leftOn: on }, "Merge");
    }
  }

  /** Pupils not on the roster since before `date`. */
  async listLeftBefore(date: string): Promise<Pupil[]> {
    const left: Pupil[] = [];
    for await (const entity of this.table.listEntities<PupilEntity>()) {
      if (entity.leftOn && entity.leftOn < date) left.push(toPupil(entity));
    }
    return left;
  }

  async delete(schoolId: string, pupilId: string): Promise<void> {
    await this.table.deleteEntity(schoolId, keyOf(pupilId)).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  /** Whether any pupil at all is stored (an empty store cannot answer "we hold nothing about this pupil"). */
  async any(): Promise<boolean> {
    const first = await this.table.listEntities<PupilEntity>({ queryOptions: { select: ["PartitionKey"] } }).byPage({ maxPageSize: 1 }).next();
    return !first.done && first.value.length > 0;
  }

  async listAll(): Promise<Pupil[]> {
    const pupils: Pupil[] = [];
    for await (const entity of this.table.listEntities<PupilEntity>()) pupils.push(toPupil(entity));
    return pupils;
  }
}
