import { odata } from "@azure/data-tables";
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

/** A stored roster row: the pupil at one school, and since when they are off that school's roster (if they are). */
export type StoredPupil = Pupil & { leftOn?: string | undefined };

/** The key of a pupil at a school, as `markLeft` takes the roster's rows. */
export function rosterKey(schoolId: string, pupilId: string): string {
  return `${schoolId}\u0000${pupilId}`;
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

  /**
   * Rows no longer on the roster get the date they were first missed; retention counts from it. A row is a pupil at a
   * school (`rosterKey`): a pupil who moved to another school is off the old school's roster.
   */
  async markLeft(onRoster: ReadonlySet<string>, on: string): Promise<void> {
    for await (const entity of this.table.listEntities<PupilEntity>()) {
      if (onRoster.has(rosterKey(entity.partitionKey, entity.pupilId)) || entity.leftOn) continue;
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

  /** Every school's row of one pupil (a pupil who moved has one at each school), the row on the roster first, then the most recently left. */
  async listRows(pupilId: string): Promise<StoredPupil[]> {
    const rows: StoredPupil[] = [];
    for await (const entity of this.table.listEntities<PupilEntity>({ queryOptions: { filter: odata`pupilId eq ${pupilId}` } })) {
      // Azurite sometimes ignores a filter (seen in tests); the entity's own id is the truth.
      if (entity.pupilId === pupilId) rows.push({ ...toPupil(entity), leftOn: entity.leftOn || undefined });
    }
    return rows.sort((a, b) => (b.leftOn ?? "9999").localeCompare(a.leftOn ?? "9999"));
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
