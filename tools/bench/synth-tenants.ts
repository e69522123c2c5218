/**
 * `node dist/tools/bench/synth-tenants.js PHASE REGISTRY OUTDIR`: the synth `npm run bench` times at
 * 10 to 1000 tenants. It is main.ts's synth but for one thing: AWS quotas the generated registry
 * exceeds are reported on standard error, not refused (a real account records its granted quotas in
 * the phase config first; `npm run ci-plan -- --tenants N` does the same).
 */
import { synthesize } from "../synth";

if (require.main === module) {
  const [phase, tenantsFile, outdir] = process.argv.slice(2);
  if (!phase || !tenantsFile || !outdir) {
    process.stderr.write("usage: node dist/tools/bench/synth-tenants.js PHASE REGISTRY OUTDIR\n");
    process.exit(2);
  }
  const { built } = synthesize({ phase: Number(phase), tenantsFile, quotaCheck: "report" }, outdir);
  process.stderr.write(`${built.quotaProblems.length} quotas reported, not enforced\n`);
}
