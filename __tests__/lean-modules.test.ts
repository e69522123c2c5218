import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { withoutInlineSourceMap } from "../lib/lean-modules";
import { tempDir } from "./temp-dirs";

const ROOT = path.resolve(__dirname, "..");
const MAP = "//# sourceMappingURL=data:application/json;base64,eyJ2ZXJzaW9uIjozfQ==";

describe("the loader compiles cdktf's and the providers' files without their inline source maps (lib/lean-modules.ts)", () => {
  test("only a trailing inline map comment is cut; everything before it stays", () => {
    expect(withoutInlineSourceMap(`"use strict";\nexports.a = 1;\n${MAP}`)).toBe(`"use strict";\nexports.a = 1;\n`);
    expect(withoutInlineSourceMap(`exports.a = 1;\n${MAP}\n`)).toBe("exports.a = 1;\n");
    // Code after the comment, a file map (not inline) and no map at all: unchanged.
    expect(withoutInlineSourceMap(`exports.a = 1;\n${MAP}\nexports.b = 2;\n`)).toBe(`exports.a = 1;\n${MAP}\nexports.b = 2;\n`);
    expect(withoutInlineSourceMap("exports.a = 1;\n//# sourceMappingURL=index.js.map\n")).toBe(
      "exports.a = 1;\n//# sourceMappingURL=index.js.map\n",
    );
    expect(withoutInlineSourceMap("exports.a = 1;\n")).toBe("exports.a = 1;\n");
  });

  /** Runs `script` in a fresh node with the module (transpiled by swc, as the build does) required first; returns its JSON output. */
  function inChild(script: string, env: NodeJS.ProcessEnv = {}, args: string[] = []) {
    const dir = tempDir("rx-lean-modules-");
    const { transformSync } = require("@swc/core") as typeof import("@swc/core");
    const source = fs.readFileSync(path.join(ROOT, "lib", "lean-modules.ts"), "utf8");
    const js = transformSync(source, {
      filename: "lean-modules.ts",
      jsc: { parser: { syntax: "typescript" }, target: "es2022" },
      module: { type: "commonjs" },
    }).code;
    fs.writeFileSync(path.join(dir, "lean-modules.js"), js);
    const result = spawnSync(
      process.execPath,
      [...args, "-e", `require(${JSON.stringify(path.join(dir, "lean-modules.js"))}); ${script}`],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, ...env },
      },
    );
    expect(result.stderr).toBe("");
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  // What V8 compiled for a module: the wrapper function's text is its source (Function.prototype.toString).
  const probe = `
    const Module = require("module");
    const seen = {};
    const compile = Module.prototype._compile;
    Module.prototype._compile = function (content, filename) { seen[filename] = content; return compile.call(this, content, filename); };
    const cdktf = require.resolve("cdktf/lib/terraform-stack");
    const aws = require.resolve("@cdktf/provider-aws/lib/ssm-parameter");
    const yaml = require.resolve("yaml");
    const { SsmParameter } = require(aws);
    const { App, TerraformStack, Testing } = require("cdktf");
    const fs = require("fs");
    const out = {
      cdktfHasMap: seen[cdktf].includes("sourceMappingURL=data:"),
      cdktfOnDiskHasMap: fs.readFileSync(cdktf, "utf8").includes("sourceMappingURL=data:"),
      cdktfSamePrefix: fs.readFileSync(cdktf, "utf8").startsWith(seen[cdktf]),
      awsHasMap: seen[aws].includes("sourceMappingURL=data:"),
      otherPackageUntouched: seen[yaml] === undefined || seen[yaml] === fs.readFileSync(yaml, "utf8"),
      works: typeof SsmParameter === "function" && typeof TerraformStack === "function",
    };
    process.stdout.write(JSON.stringify(out));
  `;

  test("cdktf and a provider file compile without the comment (the same text up to it), other packages as they are, and work", () => {
    expect(inChild(probe)).toEqual({
      cdktfHasMap: false,
      cdktfOnDiskHasMap: true,
      cdktfSamePrefix: true,
      awsHasMap: false,
      otherPackageUntouched: true,
      works: true,
    });
  });

  test("RESTARTIX_LEAN_MODULES=0 and --enable-source-maps leave Node's loader alone", () => {
    expect(inChild(probe, { RESTARTIX_LEAN_MODULES: "0" })).toMatchObject({ cdktfHasMap: true, awsHasMap: true, works: true });
    expect(inChild(probe, {}, ["--enable-source-maps"])).toMatchObject({ cdktfHasMap: true, awsHasMap: true, works: true });
  });
});
