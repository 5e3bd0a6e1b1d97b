import { AbsenceRepository } from "./absenceRepository";
import { AuditTrail } from "./auditTrail";
import { CaseRepository } from "./caseRepository";
import { ConversationRepository } from "./conversationRepository";
import { FeedRepository } from "./feedRepository";
import { BlobLease, MAX_LEASE_SECONDS } from "./blobLease";
import { DeliveryQueue } from "./deliveryQueue";
import { InstanceRegistry } from "./instanceRegistry";
import { TableLease, type Lease } from "./lease";
import { OrganisationRepository } from "./organisationRepository";
import { Outbox } from "./outbox";
import { PupilRepository } from "./pupilRepository";
import { RunRepository } from "./runRepository";
import { SettingsRepository } from "./settingsRepository";
import { resourceName, servicesOf, Storage, type StorageOptions } from "./storage";

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
  instances: InstanceRegistry;
}

export interface StoreOptions extends StorageOptions {
  /**
   * Hand the outbox's work out through a Storage queue (when the account has a Queue service), so that every
   * instance of the bot sends a share. Off by default: the senders poll the outbox table.
   */
  outboxQueue?: boolean;
  /** How long the nightly lease lasts without renewal when it is a blob lease (15-60 s; default 60). */
  nightlyLeaseSeconds?: number;
}

/**
 * The nightly lease: a blob lease whenever the account has a Blob service (the storage service lets it lapse
 * within a minute of a holder's death), else a Table entity with an expiry.
 */
function nightlyLease(storage: Storage, options: StoreOptions): Lease {
  if (!servicesOf(options.connectionString).blob) return new TableLease(storage, "nightly");
  return new BlobLease(options.connectionString, resourceName(options.tablePrefix, "leases"), "nightly", options.nightlyLeaseSeconds ?? MAX_LEASE_SECONDS);
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const storage = new Storage(options);
  await storage.ensureTables();
  const queue = options.outboxQueue && servicesOf(options.connectionString).queue ? new DeliveryQueue(options.connectionString, resourceName(options.tablePrefix, "outbox")) : undefined;
  return {
    storage,
    pupils: new PupilRepository(storage),
    absence: new AbsenceRepository(storage),
    cases: new CaseRepository(storage),
    outbox: new Outbox(storage, queue),
    conversations: new ConversationRepository(storage),
    runs: new RunRepository(storage),
    audit: new AuditTrail(storage),
    organisation: new OrganisationRepository(storage),
    settings: new SettingsRepository(storage),
    feeds: new FeedRepository(storage),
    nightlyLease: nightlyLease(storage, options),
    instances: new InstanceRegistry(storage),
  };
}
