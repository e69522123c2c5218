import { spawnSync } from "child_process";
import * as fs from "fs";
import { ROOT } from "../../config/deployment";

/**
 * DOT to SVG with Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz), SVG to PNG with resvg
 * (@resvg/resvg-js, a prebuilt binary from npm): no system package, so `npm ci` is all a machine needs.
 */

/**
 * @hpcc-js/wasm-graphviz is an ES module only; the tools run as CommonJS (and jest cannot load it),
 * so the layout runs in a short-lived `node` with the DOT on standard input.
 */
const GRAPHVIZ = [
  'import { Graphviz } from "@hpcc-js/wasm-graphviz";',
  "const chunks = [];",
  "for await (const c of process.stdin) chunks.push(c);",
  "const graphviz = await Graphviz.load();",
  'process.stdout.write(graphviz.dot(Buffer.concat(chunks).toString("utf8"), "svg"));',
].join("\n");

/** Lays out `dot` and returns the SVG. Throws with Graphviz's own message on a bad graph. */
export function dotToSvg(dot: string): string {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", GRAPHVIZ], {
    cwd: ROOT,
    input: dot,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw new Error(`graphviz (WebAssembly) could not be run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`graphviz (WebAssembly) failed: ${r.stderr.trim().split("\n").slice(0, 5).join(" ")}`);
  return r.stdout;
}

/** Rasterizes an SVG at `dpi` (Graphviz writes points, 72 per inch). Text uses the system's fonts, DejaVu Sans when the named one is missing. */
function svgToPng(svg: string, dpi = 110): Buffer {
  const { Resvg } = require("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    // resvg reads pt as 96/72 px; zoom to `dpi` pixels per inch.
    fitTo: { mode: "zoom", value: dpi / 96 },
    background: "white",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
  });
  return resvg.render().asPng();
}

/** Renders `dot` text to `file` in `format` (svg, png). */
export function renderDot(dot: string, format: "svg" | "png", file: string): void {
  const svg = dotToSvg(dot);
  // A PNG at 110 dpi stays legible when a phase has dozens of stacks.
  fs.writeFileSync(file, format === "svg" ? svg : svgToPng(svg));
}
