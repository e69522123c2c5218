import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { alive } from "../tools/rehearse/postgres";
import { runningPids } from "../tools/rehearse/processes";
import { rehearsalAvailability, rehearse, RehearsalSummary } from "../tools/rehearse/run";
import { layerAvailable } from "./layers";

/**
 * The fast subset of the apply rehearsal (the full phase 1 runs nightly: .github/workflows/rehearse.yml):
 * keys, registry and delivery of phase 1 applied to moto, re-planned, destroyed.
 */
const availability = rehearsalAvailability();

if (layerAvailable(availability.ok ? undefined : availability.reason, "apply rehearsal") && availability.ok) {
  describe(`apply rehearsal against moto ${availability.moto}: keys, registry, delivery of phase 1`, () => {
    let summary: RehearsalSummary;
    const lines: string[] = [];
    beforeAll(async () => {
      summary = await rehearse({ phase: 1, stacks: ["delivery"], destroy: true, log: (l) => lines.push(l) });
    }, 1_200_000);

    test("the selected stack and its dependencies apply in deploy order and re-plan to no changes", () => {
      expect(summary.failures).toEqual([]);
      expect(summary.applied.map((r) => r.stack)).toEqual(["keys", "registry", "delivery"]);
      for (const r of summary.applied) {
        expect(r).toMatchObject({ ok: true, replan: "no changes", excluded: 0 });
        expect(r.added).toBe(r.resources);
      }
    });

    test("the provider refused a configuration whose allowed_account_ids does not hold the emulator's account", () => {
      expect(summary.accountGuard).toMatchObject({ stack: "keys", refused: true });
      expect(summary.accountGuard!.error).toMatch(/123456789012/);
    });

    test("prevent_destroy stopped the destroy of every KMS key and ECR repository before anything was lifted", () => {
      const byStack = new Map(summary.destroyed.map((d) => [d.stack, d]));
      expect([...byStack.keys()]).toEqual(["delivery", "registry", "keys"]);
      expect(byStack.get("keys")!.preventDestroyBlocked).toEqual(byStack.get("keys")!.preventDestroyExpected);
      expect(byStack.get("keys")!.preventDestroyBlocked.filter((a) => a.startsWith("aws_kms_key."))).toHaveLength(3);
      expect(byStack.get("registry")!.preventDestroyBlocked.filter((a) => a.startsWith("aws_ecr_repository."))).toHaveLength(3);
      for (const d of summary.destroyed) {
        expect(d.ok).toBe(true);
        expect(d.destroyed).toBeGreaterThan(0);
      }
    });

    test("nothing is left running: the emulator and every terraform process were stopped by pid", () => {
      expect(runningPids()).toEqual([]);
      const motoPid = Number(/\(pid (\d+)\)/.exec(lines[0])?.[1]);
      expect(motoPid).toBeGreaterThan(0);
      expect(alive(motoPid)).toBe(false);
      expect(fs.existsSync(summary.scratchDir)).toBe(false);
    });
  });

  describe("Ctrl-C", () => {
    test("SIGINT stops the emulator and terraform by pid and exits 130", async () => {
      // The real entry point, as `npm run rehearse` runs it (the build is incremental).
      expect(spawnSync(process.execPath, [path.join(ROOT, "scripts", "build.js")]).status).toBe(0);
      const script = path.join(ROOT, "dist", "scripts", "rehearse.js");
      const child = spawn(process.execPath, [script, "--phase", "1", "--stack", "bootstrap"], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      // Wait until terraform is applying in the scratch directory, then interrupt.
      const scratch = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const m = /scratch (\S+)/.exec(out);
          if (m && fs.existsSync(path.join(m[1], "logs", "phase1-bootstrap-apply.log"))) {
            clearInterval(timer);
            resolve(m[1]);
          }
        }, 200);
        child.once("exit", () => {
          clearInterval(timer);
          reject(new Error(`exited before it could be interrupted:\n${out}`));
        });
      });
      const motoPid = Number(/\(pid (\d+)\)/.exec(out)![1]);
      child.kill("SIGINT");
      const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
      expect(code).toBe(130);
      expect(out).toMatch(/SIGINT: stopping \d+ child process\(es\) by pid/);
      expect(alive(motoPid)).toBe(false);
      // No process is left working in the scratch directory (terraform, its providers).
      const left = (fs.existsSync("/proc") ? fs.readdirSync("/proc") : [])
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return fs.readlinkSync(`/proc/${p}/cwd`).startsWith(scratch);
          } catch {
            return false;
          }
        });
      expect(left).toEqual([]);
      fs.rmSync(scratch, { recursive: true, force: true });
    }, 300_000);
  });
}
