import { stack, synth } from "./helpers";

describe("backends: s3 (default), cloud, local; cross-stack references work with all three", () => {
  test("s3: the bootstrap bucket, encrypt, use_lockfile; consumers read producers' state from it", () => {
    const compute = stack(synth({ phase: 1 }), "compute");
    expect(compute.json.terraform?.backend).toEqual({
      s3: {
        bucket: "restartix-terraform-state-123456789012",
        key: "compute/terraform.tfstate",
        region: "eu-central-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(compute.json.data?.terraform_remote_state["cross-stack-reference-input-network"]).toMatchObject({
      backend: "s3",
      config: { bucket: "restartix-terraform-state-123456789012", key: "network/terraform.tfstate", region: "eu-central-1" },
    });
  });

  test("cloud: one HCP Terraform workspace per stack, restartix-production-<stack>", () => {
    const result = synth({ phase: 1, backend: "cloud" });
    for (const s of result.stacks.filter((x) => x.name !== "bootstrap")) {
      expect(s.json.terraform?.cloud).toEqual({ organization: "restartix", workspaces: { name: `restartix-production-${s.name}` } });
      expect(s.json.terraform?.backend).toBeUndefined();
    }
    const compute = stack(result, "compute");
    expect(compute.json.data?.terraform_remote_state["cross-stack-reference-input-network"]).toMatchObject({
      backend: "remote",
      config: { organization: "restartix", workspaces: { name: "restartix-production-network" } },
    });
  });

  test("local: state files beside the repository, read by path", () => {
    const result = synth({ phase: 1, backend: "local" });
    const compute = stack(result, "compute");
    expect(compute.json.terraform?.backend).toEqual({ local: { path: "../../../terraform.compute.tfstate" } });
    expect(compute.json.data?.terraform_remote_state["cross-stack-reference-input-network"]).toMatchObject({
      backend: "local",
      config: { path: "../../../terraform.network.tfstate" },
    });
  });

  test("the same references resolve to the same outputs whatever the backend", () => {
    const refs = (backend: string) => {
      const compute = stack(synth({ phase: 1, backend }), "compute");
      const network = stack(synth({ phase: 1, backend }), "network");
      return [Object.keys(compute.json.data?.terraform_remote_state ?? {}).sort(), Object.keys(network.json.output ?? {}).sort()];
    };
    expect(refs("cloud")).toEqual(refs("s3"));
    expect(refs("local")).toEqual(refs("s3"));
  });

  test("the bootstrap stack stays on local state whatever the backend (it creates the state bucket)", () => {
    for (const backend of ["s3", "cloud", "local"]) {
      expect(stack(synth({ phase: 1, backend }), "bootstrap").json.terraform?.backend).toHaveProperty("local");
    }
  });
});
