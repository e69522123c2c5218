import { KEY, RuleCase, stack } from "../harness";

/** The shape modules/redis.ts synthesizes with one replica (provider 5.x writes some booleans as strings). */
const group = {
  replication_group_id: "cache",
  engine: "redis",
  num_cache_clusters: 2,
  automatic_failover_enabled: true,
  multi_az_enabled: true,
  at_rest_encryption_enabled: "true",
  kms_key_id: KEY,
  transit_encryption_enabled: true,
  transit_encryption_mode: "required",
  auth_token: "${var.redis_auth}",
  snapshot_retention_limit: 7,
  lifecycle: { prevent_destroy: true },
};
const single = { ...group, num_cache_clusters: 1, automatic_failover_enabled: false, multi_az_enabled: false };

const A = (name: string) => `aws_elasticache_replication_group.${name}`;
const redis = (groups: Record<string, object>) => stack({ aws_elasticache_replication_group: groups });

export const elasticacheCases: RuleCase[] = [
  {
    rule: "RX-EC-1",
    title: "at-rest encryption off or missing fails",
    json: redis({
      pass: group,
      pass_bool: { ...group, at_rest_encryption_enabled: true },
      fail: { ...group, at_rest_encryption_enabled: "false" },
      fail2: { ...group, at_rest_encryption_enabled: undefined },
    }),
    pass: [A("pass"), A("pass_bool")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-EC-2",
    title: "transit encryption off, or in preferred mode, fails",
    json: redis({
      pass: group,
      pass_mode_default: { ...group, transit_encryption_mode: undefined },
      fail: { ...group, transit_encryption_enabled: false },
      fail2: { ...group, transit_encryption_mode: "preferred" },
    }),
    pass: [A("pass"), A("pass_mode_default")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-EC-3",
    title: "no customer-managed key fails",
    json: redis({ pass: group, fail: { ...group, kms_key_id: undefined } }),
    pass: [A("pass")],
    fail: [A("fail")],
  },
  {
    rule: "RX-EC-4",
    title: "auth token or user group needed (with TLS)",
    json: redis({
      pass: group,
      pass_rbac: { ...group, auth_token: undefined, user_group_ids: ["${aws_elasticache_user_group.app.id}"] },
      fail: { ...group, auth_token: undefined },
      fail2: { ...group, transit_encryption_enabled: false },
    }),
    pass: [A("pass"), A("pass_rbac")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-EC-5",
    title: "replicas need failover and Multi-AZ; a single node is exempt",
    json: redis({
      pass: group,
      pass_single: single,
      pass_sharded: { ...group, num_cache_clusters: undefined, replicas_per_node_group: 1 },
      fail: { ...group, multi_az_enabled: false },
      fail2: { ...group, num_cache_clusters: 3, automatic_failover_enabled: false },
    }),
    pass: [A("pass"), A("pass_single"), A("pass_sharded")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-EC-6",
    title: "no snapshots warns",
    json: redis({ pass: group, fail: { ...group, snapshot_retention_limit: 0 }, fail2: { ...group, snapshot_retention_limit: undefined } }),
    pass: [A("pass")],
    fail: [A("fail"), A("fail2")],
  },
];
