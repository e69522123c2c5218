const fs = require("fs");
const path = require("path");

// Set here, in jest's parent process, so that child processes spawned from inside tests inherit it
// (a test file's process.env is a sandboxed copy). cdktf-cli's helpers run `terraform version` on
// load and phone home otherwise.
process.env.CHECKPOINT_DISABLE = "1";
if (!process.env.TF_CLI_CONFIG_FILE || !fs.existsSync(process.env.TF_CLI_CONFIG_FILE)) {
  process.env.TF_CLI_CONFIG_FILE = path.join(__dirname, "terraform", "cli.tfrc");
}

/** Jest transpiles with swc (no type-checking: `npm run typecheck` is its own step of `npm test`). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__", "<rootDir>/worker"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }],
    // The Cloudflare Worker is an ES module in plain JavaScript (uploaded as-is); jest runs CommonJS.
    "^.+/worker/.+\\.js$": ["@swc/jest", { jsc: { parser: { syntax: "ecmascript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  testTimeout: 30000,
};
