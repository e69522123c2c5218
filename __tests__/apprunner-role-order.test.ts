import { resources, stack, synth } from "./helpers";

// Issue 20 item 19: an App Runner service was created in the same apply as its instance role's policy
// attachment, with nothing ordering them: the service could start before its role may read its secrets.
describe("App Runner services wait for their instance role's permissions", () => {
  const attachmentsOf = (s: ReturnType<typeof stack>, role: string) =>
    resources(s, "aws_iam_role_policy_attachment")
      .filter(([, a]) => typeof a.role === "string" && a.role.includes(role))
      .map(([name]) => `aws_iam_role_policy_attachment.${name}`);

  test("phase 1 compute: each service depends on its own instance role's attachment", () => {
    const compute = stack(synth({ phase: 1 }), "compute");
    const services = resources(compute, "aws_apprunner_service");
    expect(services.length).toBe(2);
    for (const [, svc] of services) {
      const role = /\$\{aws_iam_role\.([^.]+)\.arn\}/.exec(svc.instance_configuration.instance_role_arn)![1];
      const attachments = attachmentsOf(compute, `aws_iam_role.${role}.`);
      expect(attachments.length).toBeGreaterThan(0);
      expect(svc.depends_on).toEqual(expect.arrayContaining(attachments));
    }
  });

  test("phase 3: a tenant cell's service depends on the cell's instance role attachment", () => {
    const r = synth({ phase: 3 });
    const cells = r.stacks.filter((s) => resources(s, "aws_apprunner_service").length > 0 && s.name !== "compute");
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) {
      const [, svc] = resources(cell, "aws_apprunner_service")[0];
      const role = /\$\{aws_iam_role\.([^.]+)\.arn\}/.exec(svc.instance_configuration.instance_role_arn)![1];
      expect(svc.depends_on).toEqual(expect.arrayContaining(attachmentsOf(cell, `aws_iam_role.${role}.`)));
    }
  });
});
