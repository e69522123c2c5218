import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandSpec, runCommand, UsageError } from "../tools/cli";
import { eject } from "../tools/eject";
import { TERRAFORM } from "../tools/offline-plan";

const spec: CommandSpec = {
  name: "eject",
  summary: "Write every stack of a phase as plain Terraform (HCL), one folder per stack, that needs no CDKTF.",
  usage: ["--phase N --out DIR [--compute apprunner|fargate] [--backend s3|cloud|local] [--vars FILE]"],
  flags: {
    phase: { type: "integer", description: "phase to eject", valueName: "N", min: 1, max: 4 },
    out: { type: "string", description: "directory to write (empty, new, or an earlier eject)", valueName: "DIR" },
    compute: { type: "string", description: "compute engine of the shared tier", choices: ["apprunner", "fargate"] },
    backend: { type: "string", description: "state backend written into every stack", choices: ["s3", "cloud", "local"] },
    vars: { type: "string", description: "deployment inputs file (default: the repository's inputs)", valueName: "FILE" },
  },
  epilog: [
    "Each DIR/<stack>/main.tf keeps the stack's backend and state key: terraform init there takes over its state.",
    "DIR/README.md lists the deploy order. The HCL is checked against the JSON synth before anything is written.",
  ],
};

runCommand(spec, async ({ flags }) => {
  if (flags.out === undefined) throw new UsageError("--out is required. Fix: npm run eject -- --phase 1 --out ejected");
  const outDir = path.resolve(String(flags.out));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-eject-"));
  try {
    const result = await eject(
      {
        phase: flags.phase as number | undefined,
        compute: flags.compute as string | undefined,
        backend: flags.backend as string | undefined,
        varsFile: flags.vars as string | undefined,
      },
      outDir,
      scratch,
    );
    // cdktf writes HCL without indentation; terraform fmt (where installed) makes it readable.
    const fmt = spawnSync(TERRAFORM, ["fmt", "-recursive", "-list=false", outDir], { encoding: "utf8" });
    if (fmt.error || fmt.status !== 0)
      console.error(
        `eject: terraform fmt not run (${fmt.error ? `${TERRAFORM} not found` : fmt.stderr.trim()}): the files are valid but unindented`,
      );
    const { phase, deployment } = result.settings;
    for (const s of result.stacks)
      console.log(`  ${s.name.padEnd(24)} ${String(s.resources).padStart(4)} resources  ${s.providers.join(", ")}`);
    console.log(
      `eject: phase ${phase.phase} (${deployment.compute}, backend ${deployment.backend}): ${result.stacks.length} stacks -> ${outDir}/<stack>/main.tf`,
    );
    console.log(`eject: deploy order in ${path.join(outDir, "README.md")}; first wave: ${result.waves[0].join(", ")}`);
    console.log(
      `eject: bootstrap's state is local: mv terraform.bootstrap.tfstate ${outDir}/ (or into the state bucket: ${path.join(outDir, "README.md")})`,
    );
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
