import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigShape, readConfig } from "../src/config";

const EXAMPLE = join(__dirname, "..", "..", ".env.example");

function exampleVariables(): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of readFileSync(EXAMPLE, "utf8").split("\n")) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match?.[1]) variables[match[1]] = match[2] ?? "";
  }
  return variables;
}

describe("configuration from the environment", () => {
  it("lists every variable in .env.example, and the example is valid as it stands", () => {
    const variables = exampleVariables();
    assert.deepEqual(Object.keys(variables).sort(), Object.keys(ConfigShape.shape).sort());
    const config = readConfig(variables);
    assert.equal(config.PORT, 3978);
    assert.equal(config.BOT_ID, undefined, "an empty BOT_ID means local mode");
    assert.equal(config.STORAGE_CONNECTION_STRING, undefined, "an empty connection string means the embedded Azurite");
    assert.equal(config.HOST, "127.0.0.1", "local mode listens on this machine only");
  });

  it("listens on loopback in local mode and on every interface with BOT_ID, unless HOST says otherwise", () => {
    const authenticated = { BOT_ID: "abc", BOT_PASSWORD: "x", BOT_TENANT_ID: "t", STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true" };
    assert.equal(readConfig({}).HOST, "127.0.0.1");
    assert.equal(readConfig(authenticated).HOST, "0.0.0.0");
    assert.equal(readConfig({ ...authenticated, HOST: "10.1.2.3" }).HOST, "10.1.2.3");
    for (const loopback of ["127.0.0.1", "127.0.0.2", "::1", "localhost"]) assert.equal(readConfig({ HOST: loopback }).HOST, loopback);
  });

  it("refuses to listen beyond loopback without BOT_ID, since local mode checks no tokens", () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.20", "tidlig.fjordvik.example"]) {
      assert.throws(() => readConfig({ HOST: host }), /HOST: must be a loopback address .* while BOT_ID is empty/, host);
    }
  });

  it("refuses the embedded emulator when BOT_ID is set or in Azure App Service, and says what to set", () => {
    const needed = /STORAGE_CONNECTION_STRING: is required .*: set it to the storage account's connection string/;
    assert.throws(() => readConfig({ BOT_ID: "abc", BOT_PASSWORD: "x", BOT_TENANT_ID: "t" }), needed);
    assert.throws(() => readConfig({ WEBSITE_SITE_NAME: "app-tidlig-x1" }), needed);
    assert.throws(() => readConfig({ WEBSITE_INSTANCE_ID: "0a1b2c" }), needed);
    assert.equal(readConfig({ WEBSITE_SITE_NAME: "app-tidlig-x1", STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true" }).WEBSITE_SITE_NAME, "app-tidlig-x1");
    assert.equal(readConfig({}).STORAGE_CONNECTION_STRING, undefined, "a laptop without BOT_ID still gets the embedded emulator");
  });

  it("says what to fix when a value is wrong", () => {
    assert.throws(() => readConfig({ PORT: "eighty" }), /PORT/);
    assert.throws(() => readConfig({ BOT_ID: "abc", BOT_PASSWORD: "x" }), /BOT_TENANT_ID: is required/);
    assert.throws(() => readConfig({ BOT_ID: "abc", BOT_PASSWORD: "x", BOT_TYPE: "MultiTenant" }), /BOT_TENANT_ID: is required/, "a multi-tenant bot without a tenant would take every tenant's activities");
    assert.throws(() => readConfig({ BOT_ID: "abc", BOT_TYPE: "UserAssignedMSI" }), /BOT_TENANT_ID: is required/);
    assert.throws(() => readConfig({ TABLE_PREFIX: "tidlig-prod" }), /TABLE_PREFIX/);
    assert.throws(() => readConfig({ BOT_DOMAIN: "https://tidlig.fjordvik.example/api" }), /BOT_DOMAIN: a host name/);
    assert.throws(() => readConfig({ DEVELOPER_PRIVACY_URL: "http://fjordvik.example/personvern" }), /DEVELOPER_PRIVACY_URL: an https:\/\/ address/);
  });
});
