import { createHash } from "node:crypto";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import type { Lease } from "./lease";
import { isConflict } from "./storage";

/** Blob leases last 15 to 60 seconds (or forever, which a dead holder would keep). */
export const MIN_LEASE_SECONDS = 15;
export const MAX_LEASE_SECONDS = 60;

/** Blob lease ids are GUIDs: an owner that is not one gets a GUID of its own, always the same. */
function leaseIdOf(owner: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(owner)) return owner.toLowerCase();
  const hex = createHash("sha256").update(owner).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A lease on a blob: the storage service itself lets one holder at a time have it, and lets it lapse within
 * `seconds` when the holder stops renewing (a killed process, a lost instance). The holder renews it in the
 * background until it releases it, for `forMs` at most, so a hung holder cannot keep it for ever either.
 */
export class BlobLease implements Lease {
  private readonly container: ContainerClient;
  private readonly renewals = new Map<string, NodeJS.Timeout>();
  private ready: Promise<void> | undefined;

  constructor(
    connectionString: string,
    containerName: string,
    private readonly blobName: string,
    private readonly seconds = MAX_LEASE_SECONDS,
  ) {
    if (seconds < MIN_LEASE_SECONDS || seconds > MAX_LEASE_SECONDS) throw new Error(`a blob lease lasts ${MIN_LEASE_SECONDS}-${MAX_LEASE_SECONDS} seconds, not ${seconds}`);
    // A lease call that cannot reach the storage fails within seconds: a renewal is tried again at its next turn.
    const retryOptions = { maxTries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 2_000, tryTimeoutInMs: 10_000 };
    this.container = BlobServiceClient.fromConnectionString(connectionString, { retryOptions }).getContainerClient(containerName);
  }

  private get blob() {
    return this.container.getBlockBlobClient(this.blobName);
  }

  /** The container and the empty blob the lease is taken on, made once. */
  private ensureBlob(): Promise<void> {
    this.ready ??= (async () => {
      await this.container.createIfNotExists();
      try {
        await this.blob.upload("", 0, { conditions: { ifNoneMatch: "*" } });
      } catch (error) {
        // Already there (409), or there and leased by someone else right now (412).
        const status = (error as { statusCode?: number }).statusCode;
        if (status !== 409 && status !== 412) throw error;
      }
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  async acquire(owner: string, _now: Date, forMs: number): Promise<boolean> {
    await this.ensureBlob();
    const client = this.blob.getBlobLeaseClient(leaseIdOf(owner));
    try {
      await client.acquireLease(this.seconds);
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
    this.keepRenewing(owner, forMs);
    return true;
  }

  async release(owner: string): Promise<void> {
    this.stopRenewing(owner);
    try {
      await this.blob.getBlobLeaseClient(leaseIdOf(owner)).releaseLease();
    } catch (error) {
      // Not ours any more (it lapsed, another holder has it): nothing to release.
      if (!isConflict(error)) throw error;
    }
  }

  private keepRenewing(owner: string, forMs: number): void {
    this.stopRenewing(owner);
    const until = performance.now() + forMs;
    const client = this.blob.getBlobLeaseClient(leaseIdOf(owner));
    const timer = setInterval(() => {
      // Past the holder's own limit: let the lease lapse, as it would for a dead holder.
      if (performance.now() >= until) return this.stopRenewing(owner);
      // A blip is tried again at the next turn; a conflict means the lease is gone to someone else.
      client.renewLease().catch((error: unknown) => {
        if (isConflict(error)) this.stopRenewing(owner);
      });
    }, (this.seconds * 1000) / 3);
    timer.unref();
    this.renewals.set(owner, timer);
  }

  private stopRenewing(owner: string): void {
    clearInterval(this.renewals.get(owner));
    this.renewals.delete(owner);
  }
}
