import { finishRunTmpdir } from "./run-tmpdir";

const SHOWN = 20;

/**
 * Runs once after all test files, in jest's parent process: removes the run's private TMPDIR
 * (__tests__/run-tmpdir.ts) or, when tests or tools left something in it, names what they left.
 * RESTARTIX_STRICT_TMPDIR=1 turns the leftovers into a failure.
 */
export default function globalTeardown(): void {
  const result = finishRunTmpdir();
  if (!result || result.left.length === 0) return;
  const { dir, left } = result;
  const names = left.slice(0, SHOWN).join(", ") + (left.length > SHOWN ? `, and ${left.length - SHOWN} more` : "");
  const message =
    `${left.length} temporary entries left by tests or the tools they ran, in ${dir}: ${names}. ` +
    "Fix: make them with tempDir() (__tests__/temp-dirs.ts), or remove them in the tool's finally";
  if (process.env.RESTARTIX_STRICT_TMPDIR === "1") throw new Error(message);
  process.stderr.write(`\nwarning: ${message}\n`);
}
