import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderRulesDoc } from "../scripts/documentRules";

describe("the documentation", () => {
  it("docs/rules.md is what the rule definitions, presets and engine say (regenerate with npm run docs)", () => {
    const onDisk = readFileSync(join(__dirname, "..", "..", "docs", "rules.md"), "utf8");
    assert.equal(onDisk, renderRulesDoc());
  });
});
