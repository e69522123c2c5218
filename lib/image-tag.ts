import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/**
 * An immutable image tag derived from the files an image is built from: the same files give the
 * same tag, any change a new one. It equals what the deploy workflow computes with
 * `cd <dir> && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum` (first 12 hex digits),
 * so Terraform can name the image before it is built and the workflow builds it only when absent.
 */
export function contentTag(dir: string): string {
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) files.push(`./${child}`);
    }
  };
  walk("");
  const listing = files
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map(
      (f) =>
        `${createHash("sha256")
          .update(fs.readFileSync(path.join(dir, f)))
          .digest("hex")}  ${f}\n`,
    )
    .join("");
  return `src-${createHash("sha256").update(listing).digest("hex").slice(0, 12)}`;
}

/** The shell lines that compute contentTag(dir) into $TAG (the workflow's half of the contract). */
export const CONTENT_TAG_SHELL = (dir: string): string =>
  `TAG="src-$(cd ${dir} && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)"`;
