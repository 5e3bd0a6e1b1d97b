import { AbsenceRepository } from "./absenceRepository";
import { AuditTrail } from "./auditTrail";
import { CaseRepository } from "./caseRepository";
import { ConversationRepository } from "./conversationRepository";
import { FeedRepository } from "./feedRepository";
import { Lease } from "./lease";
import { OrganisationRepository } from "./organisationRepository";
import { Outbox } from "./outbox";
import { PupilRepository } from "./pupilRepository";
import { RunRepository } from "./runRepository";
import { SettingsRepository } from "./settingsRepository";
import { Storage, type StorageOptions } from "./storage";

/** Every repository over one storage account. */
export interface Store {
  storage: Storage;
  pupils: PupilRepository;
  absence: AbsenceRepository;
  cases: CaseRepository;
  outbox: Outbox;
  conversations: ConversationRepository;
  runs: RunRepository;
  audit: AuditTrail;
  organisation: OrganisationRepository;
  settings: SettingsRepository;
  feeds: FeedRepository;
  nightlyLease: Lease;
}

export async function openStore(options: StorageOptions): Promise<Store> {
  const storage = new Storage(options);
  await storage.ensureTables();
  return {
    storage,
    pupils: new PupilRepository(storage),
    absence: new AbsenceRepository(storage),
    cases: new CaseRepository(storage),
    outbox: new Outbox(storage),
    conversations: new ConversationRepository(storage),
    runs: new RunRepository(storage),
    audit: new AuditTrail(storage),
    organisation: new OrganisationRepository(storage),
    settings: new SettingsRepository(storage),
    feeds: new FeedRepository(storage),
    nightlyLease: new Lease(storage, "nightly"),
  };
}
