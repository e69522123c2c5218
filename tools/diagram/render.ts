import { spawnSync } from "child_process";

/** Graphviz `dot`: whether it is here, and rendering DOT text to files with it. */

export const DOT_BIN = process.env.GRAPHVIZ_DOT ?? "dot";

export function dotAvailable(): boolean {
  const r = spawnSync(DOT_BIN, ["-V"], { encoding: "utf8" });
  return !r.error && r.status === 0;
}

/** Renders `dot` text to `file` in `format` (svg, png). Throws with dot's own message on failure. */
export function renderDot(dot: string, format: "svg" | "png", file: string): void {
  const args = [`-T${format}`, "-o", file];
  // A PNG at 110 dpi stays legible when a phase has dozens of stacks.
  if (format === "png") args.unshift("-Gdpi=110");
  const r = spawnSync(DOT_BIN, args, { input: dot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`graphviz (${DOT_BIN}) could not be run: ${r.error.message}; install the graphviz package`);
  if (r.status !== 0) throw new Error(`dot -T${format} failed: ${r.stderr.trim()}`);
}
