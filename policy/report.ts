import { createHash } from "crypto";
import { table } from "../lib/table";
import { blocking } from "./engine";
import { Finding, Rule } from "./types";

export interface ReportMeta {
  readonly phase: number;
  readonly compute: string;
  readonly stacks: number;
}

export interface Summary {
  /** Unsuppressed error-level findings: any of them fails the check. */
  readonly errors: number;
  readonly warnings: number;
  readonly suppressed: number;
}

export function summarize(findings: readonly Finding[]): Summary {
  return {
    errors: blocking(findings).length,
    warnings: findings.filter((f) => f.level === "warning" && !f.suppressed).length,
    suppressed: findings.filter((f) => f.suppressed).length,
  };
}

const order = (a: Finding, b: Finding) =>
  a.level.localeCompare(b.level) ||
  a.stack.localeCompare(b.stack) ||
  a.address.localeCompare(b.address) ||
  a.ruleId.localeCompare(b.ruleId);

/** For people: open findings with the fix of each rule that fired, then suppressed ones with their reasons. */
export function formatTable(rules: readonly Rule[], findings: readonly Finding[], meta: ReportMeta): string {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const open = findings.filter((f) => !f.suppressed).sort(order);
  const suppressed = findings.filter((f) => f.suppressed).sort(order);
  const s = summarize(findings);
  const out = [`Policy check, phase ${meta.phase} (${meta.compute}): ${meta.stacks} stacks, ${rules.length} rules`, ""];
  if (open.length > 0) {
    out.push(
      table(
        ["level", "rule", "stack", "address", "finding"],
        open.map((f) => [f.level, f.ruleId, f.stack, f.address, `${byId.get(f.ruleId)?.title}: ${f.message}`]),
      ),
      "",
    );
    out.push("How to fix:");
    for (const id of [...new Set(open.map((f) => f.ruleId))]) out.push(`  ${id} ${byId.get(id)?.title}. ${byId.get(id)?.fix}`);
    out.push("");
  }
  if (suppressed.length > 0) {
    out.push(`Suppressed (${suppressed.length}):`);
    out.push(
      table(
        ["level", "rule", "stack", "address", "reason"],
        suppressed.map((f) => [f.level, f.ruleId, f.stack, f.address, f.reason ?? ""]),
      ),
      "",
    );
  }
  out.push(`${s.errors} error(s), ${s.warnings} warning(s), ${s.suppressed} suppressed: ${s.errors > 0 ? "FAIL" : "pass"}`);
  return out.join("\n");
}

export function toJson(rules: readonly Rule[], findings: readonly Finding[], meta: ReportMeta): object {
  return {
    phase: meta.phase,
    compute: meta.compute,
    stacks: meta.stacks,
    summary: summarize(findings),
    rules: rules.map((r) => ({ id: r.id, name: r.name, level: r.level, title: r.title, mirrors: r.mirrors, appliesTo: r.appliesTo })),
    findings: [...findings].sort(order).map((f) => ({
      ruleId: f.ruleId,
      level: f.level,
      stack: f.stack,
      address: f.address,
      message: f.message,
      suppressed: f.suppressed,
      ...(f.reason !== undefined ? { reason: f.reason } : {}),
    })),
  };
}

export interface SarifOptions {
  /** The synthesized file of a stack, relative to the repository root (where code scanning resolves it). */
  readonly artifactUri: (stack: string) => string;
  /** Line of a resource in that file, when known. @default - no line: results point at the file only */
  readonly line?: (stack: string, address: string) => number | undefined;
}

/** SARIF 2.1.0 for GitHub code scanning; suppressed findings carry their reason as an in-source suppression. */
export function toSarif(rules: readonly Rule[], findings: readonly Finding[], options: SarifOptions): object {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "restartix-policy",
            rules: rules.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.title },
              fullDescription: { text: r.explanation },
              help: { text: `${r.fix}${r.mirrors.length > 0 ? ` (corresponds to ${r.mirrors.join(", ")})` : ""}` },
              defaultConfiguration: { level: r.level },
              properties: { tags: ["security", ...r.mirrors] },
            })),
          },
        },
        results: [...findings].sort(order).map((f) => {
          const line = options.line?.(f.stack, f.address);
          return {
            ruleId: f.ruleId,
            ruleIndex: index.get(f.ruleId) ?? -1,
            level: f.level,
            message: { text: `${f.stack}: ${f.address}: ${f.message}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: options.artifactUri(f.stack), uriBaseId: "%SRCROOT%" },
                  ...(line !== undefined ? { region: { startLine: line } } : {}),
                },
                logicalLocations: [{ name: f.address, fullyQualifiedName: `${f.stack}/${f.address}`, kind: "resource" }],
              },
            ],
            // Stable across runs (line numbers move): code scanning matches alerts on it.
            partialFingerprints: {
              "restartixPolicy/v1": createHash("sha256").update(`${f.ruleId}|${f.stack}|${f.address}|${f.message}`).digest("hex"),
            },
            ...(f.suppressed ? { suppressions: [{ kind: "inSource", justification: f.reason ?? "" }] } : {}),
          };
        }),
      },
    ],
  };
}
