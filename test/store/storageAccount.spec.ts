import assert from "node:assert/strict";
import { resolve } from "node:path";
import { developmentConnectionString } from "../../src/store/embeddedAzurite";
import { describeConfiguredStorage } from "../../src/store/open";
import { storageAccountOf } from "../../src/store/storage";

const KEY = "c2VjcmV0LWtleS1vZi10aGUtYWNjb3VudA==";

describe("which storage a connection string points at", () => {
  it("tells the emulator (Azurite's development account) from an Azure account, and names the account", () => {
    assert.deepEqual(storageAccountOf("UseDevelopmentStorage=true"), { kind: "emulator", endpoint: "http://127.0.0.1:10002" });
    assert.deepEqual(storageAccountOf(developmentConnectionString("http://127.0.0.1:41000")), { kind: "emulator", endpoint: "http://127.0.0.1:41000" });
    assert.deepEqual(storageAccountOf(`DefaultEndpointsProtocol=https;AccountName=sttidligprod;AccountKey=${KEY};EndpointSuffix=core.windows.net`), { kind: "azure", account: "sttidligprod" });
    assert.deepEqual(storageAccountOf("TableEndpoint=https://sttidligprod.table.core.windows.net/;SharedAccessSignature=sv=2024&sig=abc"), { kind: "azure", account: "sttidligprod" });
  });

  it("describes the configured storage for an operator without ever showing the key", () => {
    const local = describeConfiguredStorage({ STORAGE_CONNECTION_STRING: undefined, LOCAL_DATA_DIR: ".tidlig-data", TABLE_PREFIX: "tidlig" });
    assert.match(local, /embedded emulator/);
    assert.ok(local.includes(resolve(".tidlig-data")), local);
    const azure = describeConfiguredStorage({ STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=https;AccountName=sttidligprod;AccountKey=${KEY}`, LOCAL_DATA_DIR: ".tidlig-data", TABLE_PREFIX: "tidlig" });
    assert.match(azure, /Azure Storage account 'sttidligprod', tables tidlig\*/);
    assert.ok(!azure.includes(KEY) && !azure.includes("AccountKey"), azure);
  });
});
