import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";

/** docs/commands.md names every npm script of package.json (issue 21 item 5). */
test("docs/commands.md's table names every npm script", () => {
  const scripts = Object.keys(
    (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts,
  );
  const doc = fs.readFileSync(path.join(ROOT, "docs", "commands.md"), "utf8");
  const table = doc.slice(doc.indexOf("## Every npm script"), doc.indexOf("## Exit codes"));
  const named = (s: string) => table.includes(s === "start" || s === "test" ? `\`npm ${s}\`` : `\`npm run ${s}\``);
  expect(scripts.filter((s) => !named(s))).toEqual([]);
});
