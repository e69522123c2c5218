import { spawnSync } from "child_process";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { emulatorAvailability, PYTHON } from "../tools/rehearse/emulator";
import { loadGaps } from "../tools/rehearse/gaps";
import { layerAvailable } from "./layers";

/**
 * The evidence of every moto patch, reproduced: tools/rehearse/emulator/patch_evidence.py starts moto unpatched and
 * patched and exits 1 when a bug is gone from moto (drop the patch) or the patch no longer fixes it.
 */
const gaps = loadGaps();
const moto = emulatorAvailability(gaps.moto);

if (layerAvailable(moto.ok ? undefined : moto.reason, "moto patch evidence") && moto.ok) {
  test(`every patch's bug is still in moto ${moto.version} unpatched and fixed patched`, () => {
    const run = spawnSync(PYTHON, [path.join(ROOT, "tools", "rehearse", "emulator", "patch_evidence.py")], {
      encoding: "utf8",
      timeout: 300_000,
    });
    expect([run.status, run.stderr.trim().split("\n").slice(-5).join("\n")]).toEqual([0, expect.anything()]);
    // One "unpatched" and one "patched" line per reproduced call, for every listed patch.
    expect(run.stdout).toMatch(
      /patched {2}: RevokeSecurityGroupIngress\/Egress of an already revoked rule id -> \{'ingress': 'InvalidSecurityGroupRuleId\.NotFound', 'egress': 'InvalidSecurityGroupRuleId\.NotFound'\}/,
    );
    expect(run.stdout).toMatch(
      /unpatched: RevokeSecurityGroupIngress\/Egress of an already revoked rule id -> \{'ingress': 'InvalidPermission\.NotFound'/,
    );
    // Stricter like AWS: a runtime past its create-block date is refused with AWS's error, and ECS drops "".
    expect(run.stdout).toContain(
      "patched  : CreateFunction nodejs20.x, nodejs24.x on 2026-12-07 -> {'nodejs20.x': 'InvalidParameterValueException: The runtime parameter of nodejs20.x is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (nodejs24.x) while creating or updating functions.', 'nodejs24.x': 'created'}",
    );
    expect(run.stdout).toContain(
      "unpatched: CreateFunction nodejs20.x, nodejs24.x on 2026-12-07 -> {'nodejs20.x': 'created', 'nodejs24.x': 'created'}",
    );
    expect(run.stdout).toMatch(/patched {2}: DescribeTaskDefinition environment after registering .* -> \['APPRUNNER_SERVICE_ARNS'\]/);
    expect(run.stdout).toMatch(
      /unpatched: DescribeTaskDefinition environment after registering .* -> \['APPRUNNER_SERVICE_ARNS', 'ECS_SERVICE_ARNS'\]/,
    );
    expect(run.stdout.split("\n").filter((l) => l.startsWith("patched  :"))).toHaveLength(gaps.patches.length);
  }, 320_000);
}
