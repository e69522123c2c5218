import * as fs from "fs";
import * as path from "path";
import { CiLayout, DEFAULT_LIMITS } from "../tools/ci-plan";

/**
 * docs/ci.md's scale table, row by row, as `npm run ci-plan` computes it (ciLayout): the tests compare
 * the committed table with a fresh computation, so a change to the stacks that moves a figure fails
 * until the row is updated (the failure prints the row to paste).
 */
export const CI_DOC = path.join(__dirname, "..", "docs", "ci.md");

const gb = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(1)} GB`;
const overDisk = (n: number) => (n > DEFAULT_LIMITS.diskGb ? `**${gb(Math.round(n))}**` : gb(n));

export function scaleRow(label: string, layout: CiLayout): string {
  return `| ${label} | ${layout.selected} | ${layout.waves.length} | ${layout.plan.length} | ${layout.jobs} | ${layout.stacksPerJob} | ${gb(layout.diskGb.withPluginCache)} / ${overDisk(layout.diskGb.withoutPluginCache)} | plan ${layout.minutes.planJob} min, apply ${layout.minutes.applyJob} min |`;
}

/** The committed row for a layout label ("phase 4", "phase 4, 1000 tenants"). */
export function docRow(label: string): string | undefined {
  return fs
    .readFileSync(CI_DOC, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`| ${label} |`));
}
