import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { openStore } from "../../src/store";
import { BlobLease } from "../../src/store/blobLease";
import { DeliveryQueue } from "../../src/store/deliveryQueue";
import { TableLease } from "../../src/store/lease";
import { resourceName, servicesOf } from "../../src/store/storage";
import { azuriteConnectionString } from "../harness/rootHooks";

const AZURE = "DefaultEndpointsProtocol=https;AccountName=stfjordvik;AccountKey=a2V5;EndpointSuffix=core.windows.net";

describe("storage shared by several instances", () => {
  it("knows from the connection string which services it reaches", () => {
    assert.deepEqual(servicesOf(AZURE), { blob: true, queue: true });
    assert.deepEqual(servicesOf("UseDevelopmentStorage=true"), { blob: true, queue: true });
    assert.deepEqual(servicesOf(azuriteConnectionString()), { blob: true, queue: true });
    assert.deepEqual(servicesOf("DefaultEndpointsProtocol=http;AccountName=a;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:1/a;"), { blob: false, queue: false });
    assert.equal(resourceName("Tidlig", "leases"), "tidlig-leases");
  });

  describe("the nightly lease on a blob", () => {
    const lease = (prefix: string) => new BlobLease(azuriteConnectionString(), resourceName(prefix, "leases"), "nightly", 15);

    it("has one holder at a time; the holder may take it again; released, it is anyone's", async () => {
      const prefix = `lease${randomUUID().slice(0, 8)}`;
      const [first, second] = [lease(prefix), lease(prefix)];
      const now = new Date();
      assert.equal(await first.acquire("instance-a", now, 60_000), true);
      assert.equal(await second.acquire("instance-b", now, 60_000), false);
      assert.equal(await first.acquire("instance-a", now, 60_000), true, "the holder again");
      await first.release("instance-a");
      assert.equal(await second.acquire("instance-b", now, 60_000), true);
      await first.release("instance-a");
      assert.equal(await first.acquire("instance-a", now, 60_000), false, "releasing what another holds does nothing");
      await second.release("instance-b");
    });

    it("is one per table prefix: installations sharing an account do not block each other", async () => {
      const [one, other] = [lease(`lease${randomUUID().slice(0, 8)}`), lease(`lease${randomUUID().slice(0, 8)}`)];
      assert.equal(await one.acquire("a", new Date(), 60_000), true);
      assert.equal(await other.acquire("b", new Date(), 60_000), true);
      await one.release("a");
      await other.release("b");
    });

    it("is a blob lease when the account has a Blob service, a table lease when not", async () => {
      const tablePrefix = `lease${randomUUID().slice(0, 8)}`;
      assert.ok((await openStore({ connectionString: azuriteConnectionString(), tablePrefix })).nightlyLease instanceof BlobLease);
      const tableOnly = azuriteConnectionString().split(";").filter((part) => !/^(Blob|Queue)Endpoint=/.test(part)).join(";");
      assert.ok((await openStore({ connectionString: tableOnly, tablePrefix })).nightlyLease instanceof TableLease);
    });
  });

  describe("the delivery queue", () => {
    it("hands a message out from the time it is due, to one taker at a time, until it is removed", async () => {
      const queue = new DeliveryQueue(azuriteConnectionString(), resourceName(`queue${randomUUID().slice(0, 8)}`, "outbox"));
      const now = new Date();
      await queue.put("later|task-1|x", new Date(now.getTime() + 60_000), now);
      await queue.put("now|task-1|x", now, now);
      const [taken, ...rest] = await queue.take(32, 1);
      assert.equal(taken?.outboxId, "now|task-1|x");
      assert.deepEqual(rest, [], "the message due in a minute is hidden");
      assert.deepEqual(await queue.take(32, 1), [], "taken: hidden from the others");
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const again = await queue.take(32, 30);
      assert.deepEqual(again.map((delivery) => delivery.outboxId), ["now|task-1|x"], "not removed: handed out again");
      assert.ok(taken);
      await queue.remove(taken);
      await queue.remove(again[0] ?? taken);
      await queue.hideUntil(again[0] ?? taken, now, now);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      assert.deepEqual(await queue.take(32, 1), [], "removed for good; a stale pop receipt changes nothing");
    });
  });

  it("counts the instances whose heartbeat has not expired, and gives each its place among them", async () => {
    const store = await openStore({ connectionString: azuriteConnectionString(), tablePrefix: `beat${randomUUID().slice(0, 8)}` });
    const now = new Date();
    assert.deepEqual(await store.instances.beat("b", now, 30_000), { alive: 1, index: 0 });
    assert.deepEqual(await store.instances.beat("a", now, 30_000), { alive: 2, index: 0 }, "in order of id: each its own turn");
    assert.deepEqual(await store.instances.beat("b", now, 30_000), { alive: 2, index: 1 });
    assert.equal(await store.instances.countAlive(new Date(now.getTime() + 31_000)), 0, "both expired");
    await store.instances.leave("a");
    assert.equal(await store.instances.countAlive(now), 1);
  });
});
