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

  async saveAll(pupils: readonly Pupil[]): Promise<void> {
    await upsertInBatches(
      this.table,
      pupils.map((pupil) => ({
        partitionKey: pupil.schoolId,
        rowKey: keyOf(pupil.pupilId),
        pupilId: pupil.pupilId,
        name: pupil.name,
        group: pupil.group,
        grade: pupil.grade,
        contactTeacherIds: JSON.stringify(pupil.contactTeacherIds),
        enrolledFrom: pupil.enrolledFrom ?? "",
      })),
    );
  }

  async get(schoolId: string, pupilId: string): Promise<Pupil | undefined> {
    try {
      return toPupil(await this.table.getEntity<PupilEntity>(schoolId, keyOf(pupilId)));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async listAll(): Promise<Pupil[]> {
    const pupils: Pupil[] = [];
    for await (const entity of this.table.listEntities<PupilEntity>()) pupils.push(toPupil(entity));
    return pupils;
  }
}
