import { odata } from "@azure/data-tables";
import type { AbsenceCase } from "../domain/cases";
import { joinText, splitText } from "./chunkedText";
import { isConflict, isNotFound, isPreconditionFailed, type Storage } from "./storage";

/**
 * A case as JSON, cut into `c0`, `c1`, ... properties (`chunks` of them): a case with a long history outgrows one
 * property. Cases written before were one `body` property; they are read as they are and chunked when next written.
 */
interface CaseEntity {
  partitionKey: string;
  rowKey: string;
  etag?: string;
  pupilId: string;
  stage: string;
  chunks?: number;
  body?: string;
  [chunk: `c${number}`]: string;
}

export interface StoredCase {
  value: AbsenceCase;
  etag: string;
}

export class StaleCaseError extends Error {
  constructor(caseId: string) {
    super(`case ${caseId} was changed by someone else`);
  }
}

function toEntity(absenceCase: AbsenceCase): CaseEntity {
  const { chunks, properties } = splitText(JSON.stringify(absenceCase), "c");
  return {
    partitionKey: absenceCase.schoolId,
    rowKey: absenceCase.caseId,
    pupilId: absenceCase.pupilId,
    stage: absenceCase.stage,
    chunks,
    ...properties,
  };
}

function fromEntity(entity: CaseEntity): StoredCase {
  const text = entity.chunks === undefined ? (entity.body ?? "") : joinText(entity, "c", entity.chunks);
  return { value: JSON.parse(text) as AbsenceCase, etag: entity.etag ?? "*" };
}

/** Cases by school; every update is conditional on the version read, so two answers never overwrite each other. */
export class CaseRepository {
  constructor(private readonly storage: Storage) {}

  private get table() {
    return this.storage.table("cases");
  }

  /** Adds a new case; returns its version. */
  async insert(absenceCase: AbsenceCase): Promise<string> {
    try {
      return (await this.table.createEntity(toEntity(absenceCase))).etag ?? "*";
    } catch (error) {
      if (isConflict(error)) throw new StaleCaseError(absenceCase.caseId);
      throw error;
    }
  }

  async get(schoolId: string, caseId: string): Promise<StoredCase | undefined> {
    try {
      return fromEntity(await this.table.getEntity<CaseEntity>(schoolId, caseId));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Replaces the case if nobody changed it since `etag`; otherwise throws StaleCaseError. */
  async update(absenceCase: AbsenceCase, etag: string): Promise<string> {
    try {
      const response = await this.table.updateEntity(toEntity(absenceCase), "Replace", { etag });
      return response.etag ?? "*";
    } catch (error) {
      if (isPreconditionFailed(error)) throw new StaleCaseError(absenceCase.caseId);
      throw error;
    }
  }

  /** Every case of a school, open and closed (closed cases stay until the retention period deletes them). */
  async listSchool(schoolId: string): Promise<StoredCase[]> {
    const cases: StoredCase[] = [];
    for await (const entity of this.table.listEntities<CaseEntity>({ queryOptions: { filter: odata`PartitionKey eq ${schoolId}` } })) {
      // Azurite sometimes ignores a filter (seen in tests); the entity's own keys are the truth.
      if (entity.partitionKey === schoolId) cases.push(fromEntity(entity));
    }
    return cases;
  }

  /** Every case of one pupil at every school, open and closed: a pupil who moved has cases at each school. */
  async listPupil(pupilId: string): Promise<StoredCase[]> {
    const cases: StoredCase[] = [];
    for await (const entity of this.table.listEntities<CaseEntity>({ queryOptions: { filter: odata`pupilId eq ${pupilId}` } })) {
      // Azurite sometimes ignores a filter (seen in tests); the entity's own fields are the truth.
      if (entity.pupilId === pupilId) cases.push(fromEntity(entity));
    }
    return cases;
  }

  async delete(schoolId: string, caseId: string): Promise<void> {
    await this.table.deleteEntity(schoolId, caseId).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  async listOpen(schoolId?: string): Promise<StoredCase[]> {
    const filter = schoolId === undefined ? odata`stage ne ${"closed"}` : odata`PartitionKey eq ${schoolId} and stage ne ${"closed"}`;
    const cases: StoredCase[] = [];
    for await (const entity of this.table.listEntities<CaseEntity>({ queryOptions: { filter } })) cases.push(fromEntity(entity));
    // Azurite sometimes ignores a filter (seen in tests); the stored body is the truth.
    return cases.filter((stored) => stored.value.stage !== "closed" && (schoolId === undefined || stored.value.schoolId === schoolId));
  }
}
