import { namespaceOf, rootImports } from "../tools/bench/baseline";

// The benchmark's baseline is the same app with package-root imports: the rewrite must keep it the
// same program (names qualified in code, untouched in strings and property accesses).
describe("baseline rewrite: deep provider imports to package-root imports", () => {
  const source = [
    'import { Construct } from "constructs";',
    'import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";',
    "import {",
    "  S3BucketLifecycleConfiguration,",
    "  S3BucketLifecycleConfigurationRule as Rule,",
    '} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";',
    'import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";',
    "const rules: Rule[] = [];",
    'new DbInstance(scope, "DbInstance", { engine: props.DbInstance });',
    "new S3BucketLifecycleConfiguration(scope, id, { rule: rules });",
    "new DnsRecord(scope, id, {});",
    'const description = "Cloudflare Managed DnsRecord and DbInstance"; // a DbInstance comment',
  ].join("\n");
  const out = rootImports(source);

  test("one namespace import per provider, no deep import left", () => {
    expect(out).toContain('import * as aws from "@cdktf/provider-aws";');
    expect(out).toContain('import * as cloudflare from "@cdktf/provider-cloudflare";');
    expect(out).not.toMatch(/provider-(aws|cloudflare)\/lib/);
    expect(out).toContain('import { Construct } from "constructs";');
  });

  test("names are qualified by the module's namespace on the package root, aliases included", () => {
    expect(out).toContain('new aws.dbInstance.DbInstance(scope, "DbInstance", { engine: props.DbInstance });');
    expect(out).toContain("const rules: aws.s3BucketLifecycleConfiguration.S3BucketLifecycleConfigurationRule[] = [];");
    expect(out).toContain("new aws.s3BucketLifecycleConfiguration.S3BucketLifecycleConfiguration(scope, id, { rule: rules });");
    expect(out).toContain("new cloudflare.dnsRecord.DnsRecord(scope, id, {});");
  });

  test("string literals and comments keep the names as written", () => {
    expect(out).toContain('const description = "Cloudflare Managed DnsRecord and DbInstance"; // a DbInstance comment');
  });

  test("module paths map to the package index's camelCase names", () => {
    expect(namespaceOf("db-instance-automated-backups-replication")).toBe("dbInstanceAutomatedBackupsReplication");
    expect(namespaceOf("s3-bucket")).toBe("s3Bucket");
  });
});
