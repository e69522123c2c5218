import { ApprunnerAutoScalingConfigurationVersion } from "@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version";
import { ApprunnerService } from "@cdktf/provider-aws/lib/apprunner-service";
import { ApprunnerVpcConnector } from "@cdktf/provider-aws/lib/apprunner-vpc-connector";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerCertificate } from "@cdktf/provider-aws/lib/lb-listener-certificate";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { App, TerraformResource, TerraformStack, Tokenization } from "cdktf";
import { IConstruct } from "constructs";
import { Firewall } from "../modules/firewall";
import { PhaseConfig, QuotaKey } from "../phases/types";

/** One AWS quota the layout can reach, named as Service Quotas names it. */
export interface QuotaSpec {
  /** Service Quotas' service name. */
  readonly service: string;
  /** The quota's name in Service Quotas (and in AWS's error message). */
  readonly name: string;
  /** Service Quotas code, where known. @default - unknown: messages name the quota by its name only */
  readonly code?: string;
  /** What one unit is counted over. */
  readonly scope: "region" | "account" | "security group" | "event bus" | "load balancer";
  readonly defaultValue: number;
  /** Regions whose default differs from `defaultValue`. @default - `defaultValue` in every region */
  readonly regionalDefaults?: Readonly<Record<string, number>>;
  /**
   * The highest value AWS grants on request, where AWS documents one.
   * @default - no documented ceiling: only the increase request is suggested
   */
  readonly maximum?: { readonly value: number; readonly fix: string };
  /** Where the default comes from; `confirmed: false` when no AWS page stating it was at hand. */
  readonly source: string;
  readonly confirmed: boolean;
}

/**
 * AWS's default quotas for what this code creates more of as tenants and shards are added. The
 * App Runner values for services and VPC connectors could not be read from an AWS page here
 * (docs/compute-and-observability.md says how to check them); the others are AWS's documented
 * defaults.
 */
export const QUOTAS: Readonly<Record<QuotaKey, QuotaSpec>> = {
  apprunnerAutoScalingConfigurations: {
    service: "AWS App Runner",
    name: "Auto scaling configurations",
    scope: "region",
    defaultValue: 10,
    source: "App Runner Developer Guide, Managing automatic scaling: up to 10 unique auto scaling configuration names, 5 revisions each",
    confirmed: true,
  },
  apprunnerVpcConnectors: {
    service: "AWS App Runner",
    name: "VPC connectors",
    scope: "region",
    defaultValue: 10,
    source:
      "AWS General Reference, App Runner endpoints and quotas (value not confirmed here: check with aws service-quotas list-service-quotas --service-code apprunner)",
    confirmed: false,
  },
  apprunnerServices: {
    service: "AWS App Runner",
    name: "Services",
    scope: "region",
    defaultValue: 30,
    source:
      "AWS General Reference, App Runner endpoints and quotas (value not confirmed here: check with aws service-quotas list-service-quotas --service-code apprunner)",
    confirmed: false,
  },
  // RDS: every database (shared, shard, tenant cell) brings one instance, one parameter group and
  // one subnet group; phase 4's us-east-1 holds 35 of each.
  rdsDbInstances: {
    service: "Amazon Relational Database Service (Amazon RDS)",
    name: "DB instances",
    code: "L-7B6409FD",
    scope: "region",
    defaultValue: 40,
    regionalDefaults: { "ap-south-1": 20 },
    source:
      "Amazon RDS User Guide, Quotas in Amazon RDS: DB instances, 40 per Region (ap-south-1: 20), adjustable; RDS, Aurora, Neptune and DocumentDB instances all count",
    confirmed: true,
  },
  rdsParameterGroups: {
    service: "Amazon Relational Database Service (Amazon RDS)",
    name: "Parameter groups",
    code: "L-DE55804A",
    scope: "region",
    defaultValue: 50,
    regionalDefaults: { "ap-south-1": 20 },
    source: "Amazon RDS User Guide, Quotas in Amazon RDS: Parameter groups, 50 per Region (ap-south-1: 20), adjustable",
    confirmed: true,
  },
  rdsSubnetGroups: {
    service: "Amazon Relational Database Service (Amazon RDS)",
    name: "DB subnet groups",
    code: "L-48C6BF61",
    scope: "region",
    defaultValue: 50,
    regionalDefaults: { "ap-south-1": 20 },
    source: "Amazon RDS User Guide, Quotas in Amazon RDS: DB subnet groups, 50 per Region (ap-south-1: 20), adjustable",
    confirmed: true,
  },
  iamRoles: {
    service: "AWS Identity and Access Management (IAM)",
    name: "Roles per account",
    code: "L-FE177D64",
    scope: "account",
    defaultValue: 1000,
    source: "IAM User Guide, IAM and AWS STS quotas",
    confirmed: true,
  },
  securityGroupsPerRegion: {
    service: "Amazon Virtual Private Cloud (Amazon VPC)",
    name: "VPC security groups per Region",
    code: "L-E79EC296",
    scope: "region",
    defaultValue: 2500,
    source: "Amazon VPC User Guide, Amazon VPC quotas",
    confirmed: true,
  },
  rulesPerSecurityGroup: {
    service: "Amazon Virtual Private Cloud (Amazon VPC)",
    name: "Inbound or outbound rules per security group",
    code: "L-0EA8095F",
    scope: "security group",
    defaultValue: 60,
    maximum: {
      value: 1000,
      fix: "AWS caps rules per group times groups per network interface at 1000, so no request covers this: put the cells behind a shared client security group that the cache admits once, or split them over more than one cache",
    },
    source: "Amazon VPC User Guide, Amazon VPC quotas (60 inbound and 60 outbound per group, IPv4 and IPv6 counted apart)",
    confirmed: true,
  },
  eventRulesPerBus: {
    service: "Amazon EventBridge",
    name: "Number of rules",
    scope: "event bus",
    defaultValue: 300,
    regionalDefaults: { "af-south-1": 100, "eu-south-1": 100 },
    source:
      "Amazon EventBridge User Guide, EventBridge quotas: rules per event bus per account, 300 in each supported Region except af-south-1 and eu-south-1 (100); adjustable",
    confirmed: true,
  },
  // Fargate cells: one target group and one listener rule per cell on its region's cell gateway.
  targetGroupsPerAlb: {
    service: "Elastic Load Balancing (ELB)",
    name: "Target Groups per Application Load Balancer",
    scope: "load balancer",
    defaultValue: 100,
    maximum: {
      value: 100,
      fix: "AWS does not raise it: keep at most CELLS_PER_GATEWAY cells per gateway (stacks/gateways.ts), so the next slots open a new gateway",
    },
    source: "Elastic Load Balancing, Quotas for your Application Load Balancers: 100, not adjustable (Service Quotas lists no code for it)",
    confirmed: true,
  },
  listenerRulesPerAlb: {
    service: "Elastic Load Balancing (ELB)",
    name: "Rules per Application Load Balancer",
    code: "L-7EED9B64",
    scope: "load balancer",
    defaultValue: 100,
    source: "Elastic Load Balancing, Quotas for your Application Load Balancers: 100 rules per ALB, default rules excluded; adjustable",
    confirmed: true,
  },
  certificatesPerAlb: {
    service: "Elastic Load Balancing (ELB)",
    name: "Certificates per Application Load Balancer",
    code: "L-9365A611",
    scope: "load balancer",
    defaultValue: 25,
    source:
      "Elastic Load Balancing, Quotas for your Application Load Balancers: 25 certificates per ALB, default certificates excluded (counted here anyway: one gateway has one); adjustable",
    confirmed: true,
  },
  albsPerRegion: {
    service: "Elastic Load Balancing (ELB)",
    name: "Application Load Balancers per Region",
    code: "L-53DA6B97",
    scope: "region",
    defaultValue: 50,
    source: "Elastic Load Balancing, Quotas for your Application Load Balancers: 50 per Region; adjustable",
    confirmed: true,
  },
  fargateOnDemandVcpu: {
    service: "AWS Fargate",
    name: "Fargate On-Demand vCPU resource count",
    code: "L-3032A538",
    scope: "region",
    defaultValue: 6,
    source:
      "Amazon ECS Developer Guide, Service quotas: new accounts start with lower quotas that AWS raises with usage; 6 vCPU is the value a new account is commonly given (not confirmed here from an AWS page: check with aws service-quotas get-service-quota --service-code fargate --quota-code L-3032A538 in each region). Counted as every ECS service's minimum tasks times their vCPU, doubled: a rolling deployment (maximum 200%) runs both revisions at once",
    confirmed: false,
  },
};

/** What the layout uses of one quota in one place (region, account or security group). */
export interface QuotaUse {
  readonly key: QuotaKey;
  /** Region, "account", or the group's stack/construct path. */
  readonly where: string;
  readonly used: number;
  readonly limit: number;
  /** Who uses it, for the message (stack names, configuration names). */
  readonly users: readonly string[];
}

function regionOf(resource: TerraformResource): string {
  const provider = (resource.provider ??
    TerraformStack.of(resource).node.children.find((c) => c instanceof AwsProvider && c.alias === undefined)) as AwsProvider | undefined;
  return provider?.region ?? "unknown";
}

/**
 * One key per referenced attribute, whichever token names it: every read of `.arn` is a new token
 * string, and a cross-stack one another, but both wrap the same reference (stack + expression).
 */
function refKey(value: string): string {
  const token = Tokenization.reverseString(value).tokens[0] as { identifier?: string; originStack?: IConstruct } | undefined;
  return token?.identifier ? `${token.originStack?.node.id ?? ""}:${token.identifier}` : value;
}

/** Counts every quota of QUOTAS across the app's stacks. */
export function quotaUse(app: App, phase: PhaseConfig): QuotaUse[] {
  // One walk of the tree for every resource type counted (at 1000 tenants the tree has about
  // 300 000 constructs, and a walk per type was 4 s of the synth).
  const everything = app.node.findAll();
  const all = <T>(type: abstract new (...args: any[]) => T): T[] =>
    everything.filter((c: IConstruct): c is IConstruct & T => c instanceof type) as T[];
  const limit = (key: QuotaKey, region?: string) =>
    phase.quotas?.[key] ?? (region ? QUOTAS[key].regionalDefaults?.[region] : undefined) ?? QUOTAS[key].defaultValue;
  const stackOf = (c: IConstruct) => TerraformStack.of(c).node.id;
  const byRegion = <T extends TerraformResource>(
    key: QuotaKey,
    items: readonly T[],
    label: (t: T) => string,
    distinct = false,
  ): QuotaUse[] => {
    const groups = new Map<string, Set<string> | string[]>();
    for (const item of items) {
      const region = regionOf(item);
      const list = groups.get(region) ?? (distinct ? new Set<string>() : []);
      if (list instanceof Set) list.add(label(item));
      else list.push(label(item));
      groups.set(region, list);
    }
    return [...groups].map(([where, users]) => ({ key, where, used: [...users].length, limit: limit(key, where), users: [...users] }));
  };

  const out: QuotaUse[] = [
    // Configurations count by name: every revision of one name is one of the 10.
    ...byRegion(
      "apprunnerAutoScalingConfigurations",
      all(ApprunnerAutoScalingConfigurationVersion),
      (c) => c.autoScalingConfigurationNameInput ?? c.node.path,
      true,
    ),
    ...byRegion("apprunnerVpcConnectors", all(ApprunnerVpcConnector), (c) => stackOf(c)),
    ...byRegion("apprunnerServices", all(ApprunnerService), (c) => stackOf(c)),
    ...byRegion("securityGroupsPerRegion", all(SecurityGroup), (c) => stackOf(c)),
  ];
  // EventBridge rules count per bus and region (every rule here is on the default bus): the
  // backup job's and the rotation's failure rules come one per database, so cells add them.
  const buses = new Map<string, { region: string; bus: string; users: string[] }>();
  for (const r of all(CloudwatchEventRule)) {
    const region = regionOf(r);
    const bus = r.eventBusNameInput ?? "default";
    const entry = buses.get(`${region} ${bus}`) ?? { region, bus, users: [] };
    entry.users.push(stackOf(r));
    buses.set(`${region} ${bus}`, entry);
  }
  for (const { region, bus, users } of buses.values()) {
    out.push({
      key: "eventRulesPerBus",
      where: `${region}, event bus ${bus}`,
      used: users.length,
      limit: limit("eventRulesPerBus", region),
      users: [...new Set(users)],
    });
  }
  // RDS counts per region; the defaults differ in ap-south-1.
  out.push(
    ...byRegion("rdsDbInstances", all(DbInstance), (c) => stackOf(c)),
    ...byRegion("rdsParameterGroups", all(DbParameterGroup), (c) => stackOf(c)),
    ...byRegion("rdsSubnetGroups", all(DbSubnetGroup), (c) => stackOf(c)),
  );
  // Fargate: ALBs per region; per ALB the target groups its rules forward to, the rules and the certificates.
  out.push(...byRegion("albsPerRegion", all(Lb), (c) => `${stackOf(c)}: ${c.nameInput ?? c.node.path}`));
  const listeners = new Map(all(LbListener).map((l) => [refKey(l.arn), l]));
  const albName = new Map(all(Lb).map((lb) => [refKey(lb.arn), lb.nameInput ?? lb.node.path]));
  const perAlb = new Map<string, { targetGroups: Set<string>; rules: number; certificates: number; users: Set<string> }>();
  const albEntry = (listenerArn: string | undefined, c: IConstruct) => {
    const listener = listenerArn === undefined ? undefined : listeners.get(refKey(listenerArn));
    const key = refKey(listener?.loadBalancerArnInput ?? listenerArn ?? c.node.path);
    const entry = perAlb.get(key) ?? { targetGroups: new Set<string>(), rules: 0, certificates: 0, users: new Set<string>() };
    entry.users.add(stackOf(c));
    perAlb.set(key, entry);
    return entry;
  };
  for (const l of listeners.values()) {
    const e = albEntry(l.arn, l);
    if (l.certificateArnInput) e.certificates++;
  }
  for (const r of all(LbListenerRule)) {
    const e = albEntry(r.listenerArnInput, r);
    e.rules++;
    const actions = r.action.internalValue;
    for (const a of Array.isArray(actions) ? actions : []) {
      const tg = (a as { targetGroupArn?: string }).targetGroupArn;
      if (tg) e.targetGroups.add(refKey(tg));
    }
  }
  for (const c of all(LbListenerCertificate)) albEntry(c.listenerArnInput, c).certificates++;
  for (const [alb, e] of perAlb) {
    const where = `load balancer ${albName.get(alb) ?? alb}`;
    out.push({ key: "targetGroupsPerAlb", where, used: e.targetGroups.size, limit: limit("targetGroupsPerAlb"), users: [...e.users] });
    out.push({ key: "listenerRulesPerAlb", where, used: e.rules, limit: limit("listenerRulesPerAlb"), users: [...e.users] });
    out.push({ key: "certificatesPerAlb", where, used: e.certificates, limit: limit("certificatesPerAlb"), users: [...e.users] });
  }
  // Fargate vCPU: every ECS service's minimum count times its task's vCPU, twice (a deployment runs
  // the old and the new revision side by side, maximum 200%).
  const taskCpu = new Map(all(EcsTaskDefinition).map((t) => [refKey(t.arn), Number(t.cpuInput ?? 0) / 1024]));
  const vcpu = new Map<string, { used: number; users: Set<string> }>();
  for (const svc of all(EcsService)) {
    const region = regionOf(svc);
    const e = vcpu.get(region) ?? { used: 0, users: new Set<string>() };
    e.used += 2 * (svc.desiredCountInput ?? 1) * (taskCpu.get(refKey(svc.taskDefinitionInput ?? "")) ?? 0);
    e.users.add(stackOf(svc));
    vcpu.set(region, e);
  }
  for (const [where, e] of vcpu)
    out.push({ key: "fargateOnDemandVcpu", where, used: e.used, limit: limit("fargateOnDemandVcpu", where), users: [...e.users] });

  const roles = all(IamRole);
  out.push({ key: "iamRoles", where: "account", used: roles.length, limit: limit("iamRoles"), users: [...new Set(roles.map(stackOf))] });

  // Rules on one group, wherever they are declared (tenants open the shared Redis group from their stacks).
  const rules = new Map<string, { used: number; users: Set<string> }>();
  const count = (groupId: string, direction: string, c: IConstruct) => {
    const key = `${direction} ${groupId}`;
    const entry = rules.get(key) ?? { used: 0, users: new Set<string>() };
    entry.used++;
    entry.users.add(stackOf(c));
    rules.set(key, entry);
  };
  for (const r of all(VpcSecurityGroupIngressRule)) count(r.securityGroupIdInput ?? r.node.path, "inbound", r);
  for (const r of all(VpcSecurityGroupEgressRule)) count(r.securityGroupIdInput ?? r.node.path, "outbound", r);
  // A group's id token is the one its Firewall hands to every rule, in any stack.
  const groupName = new Map(all(Firewall).map((f) => [f.id, `${f.group.nameInput ?? f.node.path}`]));
  for (const [key, { used, users }] of rules) {
    const [direction, groupId] = [key.slice(0, key.indexOf(" ")), key.slice(key.indexOf(" ") + 1)];
    out.push({
      key: "rulesPerSecurityGroup",
      where: `${direction} rules of ${groupName.get(groupId) ?? groupId}`,
      used,
      limit: limit("rulesPerSecurityGroup"),
      users: [...users],
    });
  }
  return out;
}

/** One line per quota the layout exceeds: the quota as Service Quotas names it, the numbers, the fix. */
export function quotaProblems(uses: readonly QuotaUse[]): string[] {
  return uses
    .filter((u) => u.used > u.limit)
    .map((u) => {
      const q = QUOTAS[u.key];
      const users = u.users.length > 6 ? `${u.users.slice(0, 6).join(", ")} and ${u.users.length - 6} more` : u.users.join(", ");
      const code = q.code ? ` (quota code ${q.code})` : "";
      if (q.maximum && u.used > q.maximum.value)
        return `${q.service} quota "${q.name}"${code} in ${u.where}: this layout needs ${u.used}, above AWS's ceiling of ${q.maximum.value} (${users}). Fix: ${q.maximum.fix}.`;
      const fix =
        u.key === "apprunnerAutoScalingConfigurations"
          ? "give tenants a size preset of the phase (npm run tenant -- add --size) so they share its configuration, or request an increase"
          : u.key === "fargateOnDemandVcpu"
            ? `request an increase of ${q.code} in ${u.where} in the Service Quotas console (AWS Fargate) to at least ${Math.ceil(u.used)}`
            : "request an increase in the Service Quotas console";
      return (
        `${q.service} quota "${q.name}"${code} in ${u.where}: this layout needs ${u.used}, the quota is ${u.limit} (${users}). ` +
        `Fix: ${fix}, then record the granted value as quotas.${u.key} in the phase config (phases/phaseN.ts).`
      );
    });
}

/** Fails the synth when the layout needs more than a quota allows; AWS would refuse it at deploy, halfway through. */
export function checkQuotas(app: App, phase: PhaseConfig): void {
  const problems = quotaProblems(quotaUse(app, phase));
  if (problems.length)
    throw new Error(`The layout exceeds AWS quotas (${problems.length}); nothing was synthesized:\n  - ${problems.join("\n  - ")}`);
}
