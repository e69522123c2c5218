import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { checkIfAllDependenciesAreIncluded } from "@cdktf/cli-core/src/lib/helpers/stack-helpers";
import { contentTag } from "../lib/image-tag";
import { deployImages, DeployImages, firstDeploySteps, imageCommands, runsServices } from "../tools/deploy-order";
import { resources, stack, synth } from "./helpers";
import { tempDir } from "./temp-dirs";

const layouts = [
  { phase: 1 },
  { phase: 2 },
  { phase: 3 },
  { phase: 4 },
  { phase: 1, compute: "fargate" },
  { phase: 2, compute: "fargate" },
] as const;

describe("first deploy steps (npm run deploy-order)", () => {
  test.each(layouts)("%j: every step is a selection cdktf-cli accepts, services only after the manual step", (options) => {
    const { stacks, settings } = synth(options);
    const steps = firstDeploySteps(stacks, { images: deployImages(settings) });
    expect(steps.map((s) => s.key)).toEqual(["bootstrap", "foundation", "manual", "images", "services"]);
    const byName = new Map(stacks.map((s) => [s.name, s]));
    const deployed = new Set<string>();
    for (const step of steps) {
      if (!step.command) continue;
      const names = step.command.split(" ").slice(3);
      expect(() => checkIfAllDependenciesAreIncluded(names.map((n) => byName.get(n)!) as any)).not.toThrow();
      // Each stack's dependencies come earlier in its own command (the order cdktf would pick).
      names.forEach((n, i) => expect(byName.get(n)!.dependencies.every((d) => names.slice(0, i).includes(d))).toBe(true));
      names.forEach((n) => deployed.add(n));
    }
    const foundation = steps.find((s) => s.key === "foundation")!;
    expect(foundation.stacks.filter((n) => runsServices(byName.get(n)!))).toEqual([]);
    expect(foundation.stacks).toEqual(expect.arrayContaining(["keys", "network", "registry", "data", "delivery", "delivery-github"]));
    expect(foundation.stacks).not.toContain("compute");
    // Together the steps deploy every stack.
    expect([...deployed].sort()).toEqual(stacks.map((s) => s.name).sort());
  });

  test("a prefix carries the phase into the commands", () => {
    const steps = firstDeploySteps(synth({ phase: 3 }).stacks, { prefix: "PHASE=3" });
    expect(steps.filter((s) => s.command).every((s) => s.command!.startsWith("PHASE=3 npx cdktf deploy "))).toBe(true);
  });
});

/** Runs the images step's commands with a scripted `aws` and a `docker` that records its calls. */
function runImages(commands: readonly string[], fakeAws: string) {
  const dir = tempDir("deploy-order-images-");
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "aws"), `#!/usr/bin/env bash\necho "aws $*" >> "$WORK/calls.log"\n${fakeAws}\n`, { mode: 0o755 });
  fs.writeFileSync(
    path.join(bin, "docker"),
    '#!/usr/bin/env bash\ncat > /dev/null <&- 2>/dev/null; echo "docker $*" >> "$WORK/calls.log"\n',
    { mode: 0o755 },
  );
  const r = spawnSync("bash", ["--noprofile", "--norc", "-c", commands.join("\n")], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: `${bin}:${process.env.PATH}`, WORK: dir },
  });
  const calls = fs.existsSync(path.join(dir, "calls.log")) ? fs.readFileSync(path.join(dir, "calls.log"), "utf8").trim().split("\n") : [];
  return {
    status: r.status,
    out: `${r.stdout}${r.stderr}`,
    calls,
    docker: calls.filter((c) => c.startsWith("docker ") && !c.startsWith("docker login")),
  };
}

describe("phase 3 -> 4: images in us-east-1 before any service there (issue 20 item 4)", () => {
  const phase3 = synth({ phase: 3 });
  const phase4 = synth({ phase: 4 });
  const images = deployImages(phase4.settings);
  const steps = firstDeploySteps(phase4.stacks, { images });
  const step = (key: string) => steps.find((s) => s.key === key)!;
  const eu = "123456789012.dkr.ecr.eu-central-1.amazonaws.com";
  const us = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

  test("the upgrade creates the us-east-1 repositories and the replication rule in the foundation step, the copy comes next, the US services after it", () => {
    // Phase 3 has no replication: every image the upgrade needs there was pushed before the rule existed.
    expect(resources(stack(phase3, "registry"), "aws_ecr_replication_configuration")).toEqual([]);
    const [, rule] = resources(stack(phase4, "registry"), "aws_ecr_replication_configuration")[0];
    expect(JSON.stringify(rule)).toContain('"region":"us-east-1"');
    expect(step("foundation").stacks).toContain("registry");
    const order = steps.map((s) => s.key);
    expect(order.indexOf("images")).toBe(order.indexOf("foundation") + 2);
    expect(order.indexOf("images")).toBe(order.indexOf("services") - 1);
    // Every stack that starts containers in us-east-1 comes only with the services step.
    const usServices = phase4.stacks.filter(
      (s) =>
        runsServices(s) &&
        JSON.stringify(s.json.provider ?? {}).includes("us-east-1") &&
        !JSON.stringify(s.json.provider).includes("eu-central-1"),
    );
    expect(usServices.map((s) => s.name)).toEqual(expect.arrayContaining(["shard-us-1"]));
    for (const s of usServices) {
      expect(step("foundation").stacks).not.toContain(s.name);
      expect(step("services").command!.split(" ")).toContain(s.name);
    }
    for (const repo of images.services)
      expect(step("images").commands).toEqual(expect.arrayContaining([expect.stringContaining(`docker push ${us}/${repo}:bootstrap`)]));
  });

  test("run: the image the shared tier runs now becomes us-east-1's bootstrap tag (IMMUTABLE tags: never pushed twice)", () => {
    // App Runner answers with its service's image; us-east-1 has no bootstrap yet.
    const r = runImages(
      step("images").commands!,
      `
case "$*" in
  "ecr describe-images --region us-east-1"*) exit 1 ;;
  "ecr describe-images"*) exit 0 ;;
  "ecr get-login-password"*) echo token ;;
  "apprunner list-services"*) case "$*" in *telemetry*) echo arn:aws:apprunner:eu-central-1:123456789012:service/restartix-telemetry-api/1 ;; *) echo arn:aws:apprunner:eu-central-1:123456789012:service/restartix-core-api/1 ;; esac ;;
  "apprunner describe-service"*) case "$*" in *telemetry*) echo ${eu}/restartix-telemetry-api:9f8e ;; *) echo ${eu}/restartix-core-api:4c1d ;; esac ;;
  *) echo "unexpected: aws $*" >&2; exit 2 ;;
esac`,
    );
    expect(r.out).not.toContain("unexpected");
    expect(r.docker).toEqual([
      `docker pull --platform linux/amd64 ${eu}/restartix-core-api:4c1d`,
      `docker tag ${eu}/restartix-core-api:4c1d ${us}/restartix-core-api:bootstrap`,
      `docker push ${us}/restartix-core-api:bootstrap`,
      `docker pull --platform linux/amd64 ${eu}/restartix-telemetry-api:9f8e`,
      `docker tag ${eu}/restartix-telemetry-api:9f8e ${us}/restartix-telemetry-api:bootstrap`,
      `docker push ${us}/restartix-telemetry-api:bootstrap`,
    ]);

    // Once us-east-1 holds the tag (a second run, or a fresh phase 4 where replication delivered the first push): nothing is copied.
    const again = runImages(step("images").commands!, `case "$*" in "ecr get-login-password"*) echo token ;; *) exit 0 ;; esac`);
    expect(again.docker).toEqual([]);
  });

  test("run on Fargate: the image is read from the shared service's running task definition; no running service falls back to the primary's bootstrap tag", () => {
    const fargate: DeployImages = { ...images, engine: "fargate", services: ["restartix-core-api"] };
    const commands = imageCommands(fargate);
    const r = runImages(
      commands,
      `
case "$*" in
  "ecr describe-images --region us-east-1"*) exit 1 ;;
  "ecr describe-images"*) exit 0 ;;
  "ecr get-login-password"*) echo token ;;
  "ecs describe-services --region eu-central-1 --cluster restartix-prod --services restartix-core-api"*) echo arn:aws:ecs:eu-central-1:123456789012:task-definition/restartix-core-api:12 ;;
  "ecs describe-task-definition --region eu-central-1 --task-definition arn:aws:ecs:eu-central-1:123456789012:task-definition/restartix-core-api:12"*) echo ${eu}/restartix-core-api:77aa ;;
  *) echo "unexpected: aws $*" >&2; exit 2 ;;
esac`,
    );
    expect(r.out).not.toContain("unexpected");
    expect(r.docker).toEqual(
      expect.arrayContaining([
        `docker tag ${eu}/restartix-core-api:77aa ${us}/restartix-core-api:bootstrap`,
        `docker push ${us}/restartix-core-api:bootstrap`,
      ]),
    );
    const none = runImages(
      commands,
      `
case "$*" in
  "ecr describe-images --region us-east-1"*) exit 1 ;;
  "ecr describe-images"*) exit 0 ;;
  "ecr get-login-password"*) echo token ;;
  "ecs describe-services"*) echo None ;;
  *) exit 255 ;;
esac`,
    );
    expect(none.docker).toEqual(
      expect.arrayContaining([`docker tag ${eu}/restartix-core-api:bootstrap ${us}/restartix-core-api:bootstrap`]),
    );
  });

  test("a single-region phase copies nothing across regions", () => {
    const three = firstDeploySteps(phase3.stacks, { images: deployImages(phase3.settings) }).find((s) => s.key === "images")!;
    expect(three.commands!.join("\n")).not.toContain("us-east-1");
  });
});

describe("the backup/rotation image exists before the first deploy's tasks run (issue 20 item 11)", () => {
  const result = synth({ phase: 1 });
  const steps = firstDeploySteps(result.stacks, { images: deployImages(result.settings) });
  const tag = contentTag(path.join(__dirname, "..", "backup"));
  const image = `123456789012.dkr.ecr.eu-central-1.amazonaws.com/restartix-backup-job:${tag}`;

  test("the images step, after the foundation (the repository) and before the services (the tasks), pushes the tag the task definitions name", () => {
    const keys = steps.map((s) => s.key);
    expect(keys.indexOf("images")).toBeGreaterThan(keys.indexOf("foundation"));
    expect(keys.indexOf("images")).toBeLessThan(keys.indexOf("services"));
    expect(steps.find((s) => s.key === "foundation")!.stacks).toContain("registry");
    expect(steps.find((s) => s.key === "services")!.command!.split(" ")).toContain("backups");
    expect(JSON.stringify(stack(result, "backups").json)).toContain(`:${tag}`);
    const commands = steps.find((s) => s.key === "images")!.commands!.join("\n");
    expect(commands).toContain(`docker build --platform linux/amd64 -t ${image} backup`);
    expect(commands).toContain(`docker push ${image}`);
  });

  test("run: built and pushed when the repository lacks the tag, untouched when it has it", () => {
    const commands = steps.find((s) => s.key === "images")!.commands!;
    const missing = runImages(
      commands,
      `case "$*" in "ecr get-login-password"*) echo token ;; "ecr describe-images"*) exit 1 ;; *) exit 2 ;; esac`,
    );
    expect(missing.docker).toEqual([`docker build --platform linux/amd64 -t ${image} backup`, `docker push ${image}`]);
    const present = runImages(commands, `case "$*" in "ecr get-login-password"*) echo token ;; *) exit 0 ;; esac`);
    expect(present.docker).toEqual([]);
  });
});
