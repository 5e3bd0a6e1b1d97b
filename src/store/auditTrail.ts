import { randomUUID } from "node:crypto";
import { isConflict, keyOf, type Storage } from "./storage";

export interface AuditEntry {
  at: string;
  /** Entra object id of the person, or `system` for the nightly job. */
  actor: string;
  action: string;
  subject: string;
  before?: unknown;
  after?: unknown;
  outcome: "done" | "refused";
  /** Makes the entry's key deterministic (with `at`): writing it again is a no-op, so a retry never writes twice. */
  key?: string | undefined;
}

/** Every change of a case, an answer or a setting, and every refused attempt: who, when, before, after. */
export class AuditTrail {
  constructor(private readonly storage: Storage) {}

  private get table() {
    return this.storage.table("audit");
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.table.createEntity({
      partitionKey: entry.at.slice(0, 7),
      rowKey: `${entry.at}|${entry.key === undefined ? randomUUID() : keyOf(entry.key)}`,
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      before: entry.before === undefined ? "" : JSON.stringify(entry.before),
      after: entry.after === undefined ? "" : JSON.stringify(entry.after),
      outcome: entry.outcome,
    }).catch((error: unknown) => {
      if (!(entry.key !== undefined && isConflict(error))) throw error;
    });
  }

  /**
   * Removes what the trail copied of these cases (answers before and after) when they are erased or their
   * retention ends, in one pass; who did what, and when, stays.
   */
  async eraseContentOf(subjects: ReadonlySet<string>): Promise<number> {
    if (subjects.size === 0) return 0;
    let erased = 0;
    for await (const entity of this.table.listEntities<Record<string, string>>()) {
      if (!subjects.has(entity.subject ?? "") || (entity.before === "" && entity.after === "")) continue;
      await this.table.updateEntity({ partitionKey: entity.partitionKey ?? "", rowKey: entity.rowKey ?? "", before: "", after: "" }, "Merge");
      erased += 1;
    }
    return erased;
  }

  async list(): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    for await (const entity of this.table.listEntities<Record<string, string>>()) {
      entries.push({
        at: (entity.rowKey ?? "").split("|")[0] ?? "",
        actor: entity.actor ?? "",
        action: entity.action ?? "",
        subject: entity.subject ?? "",
        before: entity.before ? JSON.parse(entity.before) : undefined,
        after: entity.after ? JSON.parse(entity.after) : undefined,
        outcome: entity.outcome === "refused" ? "refused" : "done",
      });
    }
    return entries;
  }
}
