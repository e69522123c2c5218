import { blocks, strings } from "../../json";
import { ResourceView, StackView } from "../../types";

/** The field selectors of each advanced event selector of a trail. */
function advancedSelectors(trail: ResourceView): Record<string, any>[][] {
  return blocks(trail.config.advanced_event_selector).map((s) => blocks(s.field_selector));
}

const field = (selector: Record<string, any>[], name: string): Record<string, any> | undefined => selector.find((f) => f.field === name);

/** Whether a field selector admits exactly `value` through `equals` (and nothing narrows it away). */
const equalsOnly = (f: Record<string, any> | undefined, value: string): boolean =>
  f !== undefined && strings(f.equals).length === 1 && strings(f.equals)[0] === value;

/**
 * Whether the trail records every management event, read and write: no selectors (CloudTrail's
 * default), a basic selector with management events on and read_write_type All, or an advanced
 * selector of eventCategory Management that filters nothing else (no readOnly, no eventSource).
 */
export function recordsAllManagementEvents(trail: ResourceView): boolean {
  const advanced = advancedSelectors(trail);
  const basic = blocks(trail.config.event_selector);
  if (advanced.length === 0 && basic.length === 0) return true;
  if (advanced.length > 0) return advanced.some((s) => equalsOnly(field(s, "eventCategory"), "Management") && s.length === 1);
  return basic.some(
    (s) =>
      s.include_management_events !== false &&
      (s.read_write_type === undefined || s.read_write_type === "All") &&
      strings(s.exclude_management_event_sources).length === 0,
  );
}

/** The S3 object ARN prefixes a trail records data events for ("arn:aws:s3" alone means every bucket). */
export function s3DataEventPrefixes(trail: ResourceView): string[] {
  const out: string[] = [];
  for (const s of advancedSelectors(trail)) {
    if (!equalsOnly(field(s, "eventCategory"), "Data") || !equalsOnly(field(s, "resources.type"), "AWS::S3::Object")) continue;
    const arn = field(s, "resources.ARN");
    // Without an ARN condition the selector covers every object; a readOnly filter narrows it to reads or writes only.
    if (field(s, "readOnly") !== undefined) continue;
    out.push(...(arn === undefined ? ["arn:aws:s3"] : strings(arn.starts_with)));
  }
  for (const s of blocks(trail.config.event_selector)) {
    if (s.read_write_type !== undefined && s.read_write_type !== "All") continue;
    for (const d of blocks(s.data_resource)) if (d.type === "AWS::S3::Object") out.push(...strings(d.values));
  }
  return out;
}

/** Whether object events of `bucketName` are among the prefixes. */
export const coversBucket = (prefixes: readonly string[], bucketName: string): boolean =>
  prefixes.some(
    (p) => p === "arn:aws:s3" || p === "arn:aws:s3:::" || p === `arn:aws:s3:::${bucketName}/` || p === `arn:aws:s3:::${bucketName}`,
  );

/** The trail's bucket, when it is in the same stack (by reference or literal name). */
export const trailBucket = (trail: ResourceView, stack: StackView): ResourceView | undefined =>
  stack.targets(trail.config.s3_bucket_name, "aws_s3_bucket", "bucket")[0];
