import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigShape } from "../src/config";
import { BicepFile, readBicep, type Resource } from "./harness/bicep";

const INFRA = join(__dirname, "..", "..", "infra");
const bicepText = readFileSync(join(INFRA, "main.bicep"), "utf8");
const parametersText = readFileSync(join(INFRA, "main.parameters.json"), "utf8");

/** Azure regions in Norway and the EU: where children's data may be kept. */
const NORWAY_AND_EU = new Set([
  "norwayeast", "norwaywest", "swedencentral", "swedensouth", "northeurope", "westeurope", "germanywestcentral",
  "germanynorth", "francecentral", "francesouth", "italynorth", "polandcentral", "spaincentral",
]);

/** App settings read by App Service itself rather than by Tidlig. */
const READ_BY_APP_SERVICE = new Set(["WEBSITE_RUN_FROM_PACKAGE"]);

/** Settings that carry a secret, by name. */
const SECRET_SETTING = /PASSWORD|SECRET|TOKEN|KEY|^STORAGE_CONNECTION_STRING$/;

/** A Key Vault reference: App Service reads the secret with the app's identity at start. */
const KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(VaultName=[^;]+;SecretName=[^)]+\)$/;

/** What a secret written into a file looks like. */
function secretLookingLiterals(text: string): string[] {
  const found: string[] = [];
  for (const [what, pattern] of [
    ["a storage account key", /AccountKey=(?!\$\{)[^;'"]+/g],
    ["a shared access signature", /SharedAccessSignature=[^;'"]+|[?&]sig=[^&'"]+/g],
    ["an Entra client secret", /[\w.~-]{3}\dQ~[\w.~-]{31,34}/g],
  ] as const) {
    for (const match of text.matchAll(pattern)) found.push(`${what}: ${match[0]}`);
  }
  // A long run of random letters and digits, the shape of an access key, a token or a base64 password.
  for (const [run] of text.matchAll(/[A-Za-z0-9+/=_-]{32,}/g)) {
    const count = (pattern: RegExp) => run.match(pattern)?.length ?? 0;
    if (count(/[0-9]/g) >= 3 && count(/[A-Z]/g) >= 3 && count(/[a-z]/g) >= 3) found.push(`a random-looking key: ${run}`);
  }
  return found;
}

interface ParametersFile {
  parameters: Record<string, { value?: unknown; reference?: unknown }>;
}

describe("the Azure infrastructure", () => {
  describe("reading Bicep", () => {
    it("reads strings with \\' escapes and ${} interpolation, and skips comments", () => {
      const source = readBicep("// the school's feed\nvar a = 'it\\'s ${b ? 'x' : '}'}!' /* a ' here is no string */\n");
      assert.deepEqual(
        source.strings.map((s) => s.value),
        ["it's ${b ? 'x' : '}'}!", "x", "}"],
      );
      assert.doesNotMatch(source.code, /school|it|here/, "words in comments and strings are not code");
      assert.match(source.code, /b \? ' ' : ' '/, "an interpolated expression is code");
    });

    it("says on which line a string, a comment or a bracket does not close", () => {
      assert.throws(() => readBicep("var a = {\n  b: [1\n}\n"), /line 3: } closes the \[ of line 2/);
      assert.throws(() => readBicep("var a = 'open\n"), /line 1: a string is not closed/);
      assert.throws(() => readBicep("var a = '${b'\n"), /line 1/);
      assert.throws(() => readBicep("var a = 1 /* open\n"), /line 1: a \/\* comment is not closed/);
      assert.throws(() => readBicep("var a = (1\n"), /line 1: \( is not closed/);
    });

    it("refuses a doubled quote: Bicep writes a quote inside a string as \\'", () => {
      assert.throws(() => readBicep("var a = 'it''s'\n"), /two quotes in a row/);
      assert.deepEqual(readBicep("var a = ''\nvar b = '''\nmulti 'line'\n'''\n").strings.map((s) => s.value), ["", "\nmulti 'line'\n"]);
    });
  });

  describe("infra/main.bicep", () => {
    let bicep: BicepFile;
    const parameter = (name: string) => bicep.parameters.find((p) => p.name === name);
    const onlyResourceOfType = (type: string): Resource => {
      const [resource, ...others] = bicep.resourcesOfType(type);
      assert.ok(resource, `a ${type}`);
      assert.equal(others.length, 0, `one ${type}`);
      return resource;
    };
    const setting = (name: string) => bicep.appSettings().find((s) => s.name === name);

    before(() => {
      bicep = new BicepFile(bicepText);
    });

    it("is well-formed: every string, comment, interpolation and bracket closes", () => {
      assert.doesNotThrow(() => readBicep(bicepText));
      assert.ok(bicep.resources.length > 0);
    });

    it("documents every parameter and output with @description", () => {
      for (const declaration of [...bicep.parameters, ...bicep.outputs]) {
        const description = declaration.decorators.find((d) => d.name === "description");
        assert.ok(description?.strings[0]?.trim(), `${declaration.keyword} ${declaration.name} (line ${declaration.line}) has a @description`);
      }
    });

    it("declares every resource with a symbolic name and a type with an API version", () => {
      for (const resource of bicep.resources) {
        assert.match(resource.name ?? "", /^[a-z][A-Za-z0-9]*$/, `the resource on line ${resource.line} has a symbolic name`);
        assert.match(resource.type, /^[A-Za-z]+\.[A-Za-z]+(\/[A-Za-z]+)+@\d{4}-\d{2}-\d{2}(-preview)?$/, `${resource.name} has a type@api-version`);
      }
      const names = bicep.declarations.filter((d) => d.keyword !== "output").map((d) => d.name);
      assert.equal(new Set(names).size, names.length, "no symbolic name is declared twice");
    });

    it("refers only to what it declares, and uses every parameter and variable", () => {
      const resources = new Set(bicep.resources.map((r) => r.name));
      const symbols = new Set([...resources, ...bicep.parameters.map((p) => p.name), ...bicep.variables.map((v) => v.name), "az", "sys"]);
      for (const { symbol, member, line } of bicep.references()) {
        const resourceOnly = member === undefined || member === "properties" || member === "id" || member === "listKeys";
        assert.ok((resourceOnly ? resources : symbols).has(symbol), `line ${line}: ${symbol}${member ? `.${member}` : ""} refers to a declared ${resourceOnly ? "resource" : "symbol"}`);
      }
      for (const declaration of [...bicep.parameters, ...bicep.variables]) {
        assert.ok(bicep.uses(declaration.name ?? "") > 0, `${declaration.keyword} ${declaration.name} is used`);
      }
    });

    it("keeps the data in Norway or the EU: norwayeast by default, only Norwegian and EU regions allowed", () => {
      const location = parameter("location");
      assert.equal(location?.defaultValue, "'norwayeast'");
      const allowed = location?.decorators.find((d) => d.name === "allowed")?.strings ?? [];
      assert.ok(allowed.length > 0, "location has an @allowed list");
      for (const region of allowed) assert.ok(NORWAY_AND_EU.has(region), `${region} is in Norway or the EU`);
      const botLocation = parameter("botLocation");
      assert.equal(botLocation?.defaultValue, "'westeurope'", "Azure Bot Service handles the messages in the EU by default");
      const bots = new Set(["Microsoft.BotService/botServices", "Microsoft.BotService/botServices/channels"]);
      for (const resource of bicep.resources) {
        const expected = bots.has(resource.type.split("@")[0] ?? "") ? "botLocation" : "location";
        for (const value of bicep.valuesOf("location", resource)) assert.equal(value, expected, `${resource.name} is in ${expected}`);
      }
    });

    it("sets only app settings that Tidlig reads (src/config.ts) or App Service reads, each once, and leaves PORT to App Service", () => {
      const readByTidlig = new Set(Object.keys(ConfigShape.shape));
      const names = bicep.appSettings().map((s) => s.name);
      assert.ok(names.length > 0, "the web app has app settings");
      for (const name of names) assert.ok(readByTidlig.has(name) || READ_BY_APP_SERVICE.has(name), `${name} is read by Tidlig or App Service`);
      assert.equal(new Set(names).size, names.length, "no setting is set twice");
      assert.ok(!names.includes("PORT"), "App Service tells the app its port");
      for (const needed of ["BOT_ID", "BOT_TYPE", "BOT_TENANT_ID", "BOT_PASSWORD", "STORAGE_CONNECTION_STRING", "ORGANISATION_FILE", "ROSTER_FILE", "FEED_FILE"]) {
        assert.ok(names.includes(needed), `${needed} is set`);
      }
    });

    it("takes every secret from a Key Vault reference, never a plain value", () => {
      const secrets = bicep.appSettings().filter((s) => SECRET_SETTING.test(s.name));
      for (const name of ["BOT_PASSWORD", "STORAGE_CONNECTION_STRING"]) assert.ok(secrets.some((s) => s.name === name), `${name} is a secret`);
      for (const secret of secrets) {
        const written = secret.strings.filter((s) => s !== "");
        assert.ok(written.length > 0, `${secret.name} names its Key Vault secret`);
        for (const value of written) assert.match(value, KEY_VAULT_REFERENCE, `${secret.name} is a Key Vault reference`);
      }
      for (const p of bicep.parameters.filter((p) => /password|secret|token|key/i.test(p.name ?? ""))) {
        // A generated default (a new GUID at each deployment) is not a written secret; a literal one would be.
        const generated = p.defaultValue === undefined || String(p.defaultValue).trim() === "newGuid()";
        assert.ok(p.decorators.some((d) => d.name === "secure") && generated, `param ${p.name} is @secure() without a written default`);
      }
    });

    it("runs the bot and its schedules in a web app that is always on, HTTPS only, TLS 1.2, Node 20 LTS", () => {
      const app = onlyResourceOfType("Microsoft.Web/sites");
      assert.deepEqual(bicep.valuesOf("alwaysOn", app), ["true"]);
      assert.deepEqual(bicep.valuesOf("httpsOnly", app), ["true"]);
      assert.deepEqual(bicep.valuesOf("minTlsVersion", app), ["'1.2'"]);
      assert.deepEqual(bicep.valuesOf("linuxFxVersion", app), ["'NODE|20-lts'"]);
      assert.deepEqual(bicep.valuesOf("healthCheckPath", app), ["'/healthz'"]);
      assert.deepEqual(bicep.valuesOf("appCommandLine", app), ["'node --no-deprecation dist/src/index.js'"]);
      const plan = onlyResourceOfType("Microsoft.Web/serverfarms");
      const sizes = parameter("appServiceSku")?.decorators.find((d) => d.name === "allowed")?.strings ?? [];
      assert.deepEqual(bicep.valuesOf("sku", plan), ["{ name: appServiceSku }"]);
      for (const size of sizes) assert.doesNotMatch(size, /^(F|D)\d/, `${size} can be always on (not Free or Shared)`);
    });

    it("keeps the storage account private, and has a private container for the feeds that FEED_FILE reads", () => {
      const storage = onlyResourceOfType("Microsoft.Storage/storageAccounts");
      assert.deepEqual(bicep.valuesOf("allowBlobPublicAccess", storage), ["false"]);
      assert.deepEqual(bicep.valuesOf("supportsHttpsTrafficOnly", storage), ["true"]);
      assert.deepEqual(bicep.valuesOf("minimumTlsVersion", storage), ["'TLS1_2'"]);
      const container = onlyResourceOfType("Microsoft.Storage/storageAccounts/blobServices/containers");
      assert.deepEqual(bicep.valuesOf("publicAccess", container), ["'None'"]);
      const [containerName] = bicep.valuesOf("name", container);
      assert.equal(parameter("feedFile")?.defaultValue, `'blob:${containerName?.slice(1, -1)}'`);
      assert.deepEqual(setting("FEED_FILE")?.value, "feedFile");
    });

    it("lets the web app's managed identity read the Key Vault secrets (Key Vault Secrets User) before the app starts", () => {
      const vault = onlyResourceOfType("Microsoft.KeyVault/vaults");
      assert.deepEqual(bicep.valuesOf("enableRbacAuthorization", vault), ["true"]);
      const grant = onlyResourceOfType("Microsoft.Authorization/roleAssignments");
      assert.deepEqual(bicep.valuesOf("scope", grant), [vault.name]);
      assert.match(bicep.valuesOf("roleDefinitionId", grant)[0] ?? "", /'4633458b-17de-408a-b874-0445c86b69e6'/, "the Key Vault Secrets User role");
      const identity = onlyResourceOfType("Microsoft.ManagedIdentity/userAssignedIdentities");
      assert.deepEqual(bicep.valuesOf("principalId", grant), [`${identity.name}.properties.principalId`]);
      const app = onlyResourceOfType("Microsoft.Web/sites");
      assert.deepEqual(bicep.valuesOf("keyVaultReferenceIdentity", app), [`${identity.name}.id`]);
      assert.deepEqual(bicep.valuesOf("dependsOn", app), [`[${grant.name}]`]);
    });

    it("registers the bot at https://<web app>/api/messages with the Teams channel", () => {
      const app = onlyResourceOfType("Microsoft.Web/sites");
      const bot = onlyResourceOfType("Microsoft.BotService/botServices");
      assert.deepEqual(bicep.valuesOf("endpoint", bot), [`'https://\${${app.name}.properties.defaultHostName}/api/messages'`]);
      assert.deepEqual(bicep.valuesOf("msaAppId", bot), [setting("BOT_ID")?.value], "the bot and the app have the same id");
      assert.deepEqual(bicep.valuesOf("msaAppType", bot), [setting("BOT_TYPE")?.value]);
      const teams = onlyResourceOfType("Microsoft.BotService/botServices/channels");
      assert.deepEqual(bicep.valuesOf("parent", teams), [bot.name]);
      assert.deepEqual(bicep.valuesOf("channelName", teams), ["'MsTeamsChannel'"]);
      assert.deepEqual(bicep.valuesOf("isEnabled", teams), ["true"]);
    });

    it("sends telemetry to Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING)", () => {
      const insights = onlyResourceOfType("Microsoft.Insights/components");
      assert.equal(setting("APPLICATIONINSIGHTS_CONNECTION_STRING")?.value, `${insights.name}.properties.ConnectionString`);
    });
  });

  describe("infra/main.parameters.json", () => {
    const { parameters } = JSON.parse(parametersText) as ParametersFile;
    let declared: BicepFile["parameters"];
    before(() => {
      declared = new BicepFile(bicepText).parameters;
    });

    it("gives values only for declared parameters, and one for every parameter without a default", () => {
      for (const name of Object.keys(parameters)) assert.ok(declared.some((p) => p.name === name), `${name} is a parameter of main.bicep`);
      for (const required of declared.filter((p) => p.defaultValue === undefined)) {
        assert.ok(parameters[required.name ?? ""]?.value !== undefined, `${required.name} has a value`);
      }
    });

    it("gives only allowed values, with a Norwegian or EU location", () => {
      for (const p of declared) {
        const allowed = p.decorators.find((d) => d.name === "allowed")?.strings;
        const value = parameters[p.name ?? ""]?.value;
        if (allowed && value !== undefined) assert.ok(allowed.includes(String(value)), `${p.name}: ${String(value)} is allowed`);
      }
      assert.ok(NORWAY_AND_EU.has(String(parameters.location?.value)));
    });

    it("passes a secret parameter only as a Key Vault reference", () => {
      for (const [name, entry] of Object.entries(parameters)) {
        if (/password|secret|token|key/i.test(name)) assert.ok(entry.reference !== undefined && entry.value === undefined, `${name} is a Key Vault reference`);
      }
    });
  });

  it("has no secret-looking literal (a key, a password, a client secret) in main.bicep or main.parameters.json", () => {
    assert.deepEqual(secretLookingLiterals(bicepText), []);
    assert.deepEqual(secretLookingLiterals(parametersText), []);
    const madeUpKey = `AccountKey=${"aB3/".repeat(22)}==`;
    assert.equal(secretLookingLiterals(madeUpKey).length, 2, "a written storage key would be noticed");
    assert.equal(secretLookingLiterals("value: 'abc8Q~aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'").length, 2, "a written client secret would be noticed");
  });
});
