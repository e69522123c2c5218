// Plain JavaScript: jest loads its test sequencer without transforming it.
const Sequencer = require("@jest/test-sequencer").default;
const path = require("path");

/**
 * `jest --shard=i/n` split by expected duration instead of by path hash: the slow layer is a dozen
 * files of very different lengths (upgrade proofs and the apply rehearsal take minutes, a busybox
 * script test seconds), and a CI job waits for its longest shard. Seconds per file, relative figures
 * measured on 2 cores (docs/benchmark.md); a file not listed counts as DEFAULT.
 */
const SECONDS = {
  "__tests__/upgrades.test.ts": 450,
  "__tests__/rehearse.test.ts": 240,
  "__tests__/restore.test.ts": 150,
  "__tests__/ci-plan.test.ts": 120,
  "__tests__/hcl-output.test.ts": 90,
  "__tests__/eject.test.ts": 90,
  "__tests__/upgrade-released.test.ts": 200,
  "__tests__/offline-plan.test.ts": 60,
  "__tests__/moto-patches.test.ts": 60,
  "__tests__/fargate.test.ts": 80,
  "__tests__/fargate-plans.test.ts": 180,
  "__tests__/fargate-scale.test.ts": 60,
  "__tests__/synth-output.test.ts": 45,
  "__tests__/tenant.test.ts": 40,
  "__tests__/tf-stacks.test.ts": 30,
  "__tests__/rotate-db-credentials.test.ts": 20,
  "__tests__/json-expression.test.ts": 15,
  "__tests__/prepared-resolution.test.ts": 40,
  "__tests__/temp-dirs.test.ts": 30,
  "__tests__/input-paths.test.ts": 20,
  "__tests__/backup-script.test.ts": 5,
};
const DEFAULT = 10;

const relative = (test) => path.relative(test.context.config.rootDir, test.path).split(path.sep).join("/");
const weight = (test) => SECONDS[relative(test)] ?? DEFAULT;

class DurationSequencer extends Sequencer {
  /** Longest first onto the least loaded shard (deterministic: ties broken by path and project). */
  shard(tests, { shardIndex, shardCount }) {
    const ordered = [...tests].sort(
      (a, b) =>
        weight(b) - weight(a) ||
        (relative(a) + a.context.config.displayName?.name).localeCompare(relative(b) + b.context.config.displayName?.name),
    );
    const load = new Array(shardCount).fill(0);
    const mine = [];
    for (const test of ordered) {
      let best = 0;
      for (let i = 1; i < shardCount; i++) if (load[i] < load[best]) best = i;
      load[best] += weight(test);
      if (best === shardIndex - 1) mine.push(test);
    }
    return mine;
  }
}

module.exports = DurationSequencer;
module.exports.SECONDS = SECONDS;
