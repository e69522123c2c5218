const fs = require("fs");
const path = require("path");

// Set here, in jest's parent process, so that child processes spawned from inside tests inherit it
// (a test file's process.env is a sandboxed copy). cdktf-cli's helpers run `terraform version` on
// load and phone home otherwise.
process.env.CHECKPOINT_DISABLE = "1";
if (!process.env.TF_CLI_CONFIG_FILE || !fs.existsSync(process.env.TF_CLI_CONFIG_FILE)) {
  process.env.TF_CLI_CONFIG_FILE = path.join(__dirname, "terraform-cli", "cli.tfrc");
}

/**
 * Two layers (jest projects), so a new test file is fast by default and slow files are named here.
 *   fast  `npm test`: unit tests, synth assertions, policy pack, input validation (RESTARTIX_SKIP_TERRAFORM=1).
 *   slow  `npm run test:all` adds it: real terraform (offline plans, upgrade proofs, eject validation),
 *         the moto emulator, PostgreSQL (restore rehearsal, credential rotation), busybox scripts, cdktf-cli.
 * SLOW files run only in the slow project. PARTIAL files run in both: their fast part in `npm test`
 * (their terraform part skipped), the whole file in the slow project. A fast file that skips a layer
 * and is in neither list fails (__tests__/layers.ts), so a slow part cannot go unrun unnoticed.
 */
const SLOW = [
  "__tests__/backup-script.test.ts", // busybox + backup/dump.sh
  "__tests__/cutover.test.ts", // PostgreSQL: the runbook's roles and pg_restore
  "__tests__/fargate-scale.test.ts", // a synthesis of 1000 tenants on Fargate (scale: about a minute)
  "__tests__/hcl-output.test.ts", // cdktf synth --hcl of five layouts, parsed (the way out of CDKTF: minutes)
  "__tests__/moto-patches.test.ts", // the moto emulator
  "__tests__/offline-plan.test.ts", // terraform init + plan, every phase 1 stack
  "__tests__/rehearse.test.ts", // terraform apply against moto
  "__tests__/restore.test.ts", // moto + PostgreSQL + busybox
  "__tests__/rotate-db-credentials.test.ts", // PostgreSQL + busybox
  "__tests__/tf-stacks.test.ts", // .ci/tf-stacks with real terraform
  "__tests__/upgrade-released.test.ts", // terraform plans of the released layouts
  "__tests__/upgrades.test.ts", // terraform upgrade proofs between phases
];
const PARTIAL = [
  "__tests__/ci-plan.test.ts", // the 1000-tenant layout (scale)
  "__tests__/eject.test.ts", // terraform init + validate of the ejected stacks
  "__tests__/fargate.test.ts", // the Fargate layout's offline plan
  "__tests__/fargate-plans.test.ts", // offline plans of phases 2-4 on Fargate (one per distinct stack)
  "__tests__/json-expression.test.ts", // terraform's own jsonencode
  "__tests__/prepared-resolution.test.ts", // phases 3 and 4 synthesized with and without the reuse, compared
  "__tests__/temp-dirs.test.ts", // child jest runs on fixtures: their TMPDIR left empty
  "__tests__/input-paths.test.ts", // main.js and tenant list started from a subdirectory
  "__tests__/synth-output.test.ts", // npx cdktf synth/list end to end
  "__tests__/tenant.test.ts", // the new tenant's offline plan
];

/** Jest transpiles with swc (no type-checking: `npm run typecheck` is its own step of `npm test`). */
const project = {
  // jest's node environment, which also removes each file's temporary directories (__tests__/temp-dirs.ts).
  testEnvironment: "<rootDir>/__tests__/environment.ts",
  rootDir: __dirname,
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }],
    // The Cloudflare Worker is an ES module in plain JavaScript (uploaded as-is); jest runs CommonJS.
    "^.+/worker/.+\\.js$": ["@swc/jest", { jsc: { parser: { syntax: "ecmascript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  // One synthesis of each phase per run, shared by every test file (__tests__/synth-cache.ts).
  // The run's private TMPDIR too (__tests__/run-tmpdir.ts): removed at the end, leftovers named.
  globalSetup: "<rootDir>/__tests__/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/global-teardown.ts",
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
};
const escape = (file) => `<rootDir>/${file}`.replace(/[.]/g, "\\.") + "$";

module.exports = {
  projects: [
    {
      ...project,
      displayName: "fast",
      testPathIgnorePatterns: ["/node_modules/", ...SLOW.map(escape)],
      setupFiles: ["<rootDir>/__tests__/fast-layer.ts"],
      globals: { RESTARTIX_LAYER: "fast", RESTARTIX_PARTIAL: PARTIAL },
    },
    {
      ...project,
      displayName: "slow",
      testMatch: [...SLOW, ...PARTIAL].map((f) => `<rootDir>/${f}`),
      globals: { RESTARTIX_LAYER: "slow", RESTARTIX_PARTIAL: PARTIAL },
    },
  ],
  // Two cores: one worker per core (the slow layer's terraform runs spawn their own processes too).
  maxWorkers: 2,
  // --shard=i/n balanced by each file's expected duration (CI runs the slow layer in parallel jobs).
  testSequencer: "<rootDir>/__tests__/sequencer.js",
  testTimeout: 30000,
};
