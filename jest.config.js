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
