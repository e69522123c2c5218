import * as path from "path";
import { CommandSpec, invocationDir, parseCommandLine, resolveFromInvocation, usageText } from "../tools/cli";

const spec: CommandSpec = {
  name: "demo",
  summary: "A demo command.",
  usage: ["--phase N [--jobs N]"],
  flags: {
    phase: { type: "string", description: "growth phase", choices: ["1", "2", "3", "4"], valueName: "N" },
    jobs: { type: "integer", description: "parallel jobs", min: 1, max: 8 },
    write: { type: "boolean", description: "write the report" },
  },
};

describe("the shared command-line parser refuses what it does not understand", () => {
  test.each<[string[], RegExp]>([
    [["--phse", "2"], /^--phse: unknown flag\. Fix: use one of --phase N, --jobs N, --write, --help/],
    [["3"], /^unexpected argument "3": this command takes flags only\. Fix: name the flag the value belongs to \(e\.g\. --phase 3\)/],
    [["--phase"], /^--phase: .*argument missing.*Fix: write --phase N/],
    [["--phase", "--jobs", "2"], /^--phase: missing value \(got the flag --jobs instead\)/],
    [["--jobs", "abc"], /^--jobs: got "abc"; expected a whole number/],
    [["--jobs", "4.5"], /^--jobs: got "4.5"; expected a whole number/],
    [["--jobs", "9"], /^--jobs: got 9; expected 1 to 8/],
    [["--phase", "7"], /^--phase: got "7"; expected one of 1, 2, 3, 4/],
    [["--phase="], /^--phase: got an empty value/],
    [["--write=yes"], /^--write: .*Fix: write --write without a value/],
  ])("%j", (argv, message) => {
    expect(() => parseCommandLine(spec, argv)).toThrow(message);
  });

  test("valid input, and --help wins over everything else", () => {
    expect(parseCommandLine(spec, ["--phase", "2", "--jobs=3", "--write"])).toEqual({
      flags: { phase: "2", jobs: 3, write: true },
      positionals: [],
      help: false,
    });
    expect(parseCommandLine(spec, ["--help"]).help).toBe(true);
    expect(usageText(spec)).toMatch(
      /npm run demo -- --phase N \[--jobs N\][\s\S]*--jobs N +parallel jobs[\s\S]*Exit codes: 0 success, 1 a check failed, 2 bad input/,
    );
  });
});

describe("paths on the command line resolve from the directory the user ran the command in", () => {
  const files: CommandSpec = {
    name: "demo",
    summary: "A demo command with paths.",
    usage: ["[--vars FILE] [--out DIR] [--name VALUE] [--plain FILE]"],
    flags: {
      vars: { type: "string", description: "inputs", valueName: "FILE" },
      out: { type: "string", description: "output directory", valueName: "DIR" },
      name: { type: "string", description: "not a path", valueName: "VALUE" },
      plain: { type: "string", description: "a FILE placeholder that is not a path", valueName: "FILE", path: false },
    },
  };

  test("relative FILE and DIR values are resolved from the invocation directory; absolute ones and other values are kept", () => {
    const parsed = parseCommandLine(
      files,
      ["--vars", "my.tfvars", "--out", "../diagrams", "--name", "x/y", "--plain", "a.txt"],
      "/home/me/infra/phases",
    );
    expect(parsed.flags).toEqual({ vars: "/home/me/infra/phases/my.tfvars", out: "/home/me/infra/diagrams", name: "x/y", plain: "a.txt" });
    expect(parseCommandLine(files, ["--vars=/etc/deployment.tfvars"], "/home/me").flags.vars).toBe("/etc/deployment.tfvars");
  });

  test("npm run starts scripts in the package root and keeps the user's directory in INIT_CWD", () => {
    expect(invocationDir({ INIT_CWD: "/home/me/infra/phases" })).toBe("/home/me/infra/phases");
    expect(invocationDir({})).toBe(process.cwd());
    // A relative INIT_CWD is not npm's: the working directory stands.
    expect(invocationDir({ INIT_CWD: "phases" })).toBe(process.cwd());
    expect(resolveFromInvocation("plan.json", { INIT_CWD: "/tmp/ci" })).toBe(path.join("/tmp/ci", "plan.json"));
    // npm started this script (`npm run plan-gate -- plan.json`): the user's directory.
    const gate = "/repo/dist/scripts/plan-gate.js";
    expect(invocationDir({ INIT_CWD: "/home/me", npm_lifecycle_script: "npm run -s build && node dist/scripts/plan-gate.js" }, gate)).toBe(
      "/home/me",
    );
    // A script another program started below `npm run test:all` (.ci/tf-stacks in a stack's directory)
    // inherits INIT_CWD but not as its own: the working directory stands.
    expect(invocationDir({ INIT_CWD: "/home/me", npm_lifecycle_script: "npm run -s typecheck && jest" }, gate)).toBe(process.cwd());
    expect(resolveFromInvocation("plan.json", { INIT_CWD: "/home/me", npm_lifecycle_script: "jest" }, gate)).toBe(
      path.join(process.cwd(), "plan.json"),
    );
  });
});
