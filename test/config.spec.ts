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
