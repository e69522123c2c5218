/**
 * A container definition's `environment` list from a name -> value map, refusing empty values:
 * ECS drops an entry whose value is "" when it stores the task definition, so the provider (5.x)
 * reads back a different list and plans a replacement on every plan, forever
 * (hashicorp/terraform-provider-aws#39533). Leave the variable out instead; the programs that read
 * these variables treat an unset one as empty (rule RX-ECS-8 checks the synthesized JSON too).
 */
export function containerEnvironment(owner: string, env: Readonly<Record<string, string>>): { name: string; value: string }[] {
  const empty = Object.entries(env).filter(([, value]) => value === "");
  if (empty.length > 0) {
    throw new Error(
      `${owner}: environment ${empty.map(([n]) => n).join(", ")} ${empty.length === 1 ? "is" : "are"} "" (empty); ECS drops empty values and Terraform would then replace the task definition on every plan. Leave the variable out instead (an unset variable reads as empty).`,
    );
  }
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}
