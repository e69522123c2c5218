import { Rule } from "../../types";
import { s3DataEventPrefixes } from "./common";

export const CloudTrailS3DataEvents: Rule = {
  id: "RX-CT-6",
  name: "CloudTrailS3DataEvents",
  level: "error",
  title: "Trail records no S3 object reads and writes",
  explanation:
    "Management events show who changed a bucket, not who downloaded a patient file. Data events (GetObject, PutObject, DeleteObject) are the access record of the files themselves (164.312(b)); RX-AUDIT-1 checks that every patient-file and backup bucket is covered.",
  fix: 'Add an advanced_event_selector with eventCategory = Data, resources.type = AWS::S3::Object and resources.ARN starts_with "arn:aws:s3:::<bucket>/" for each bucket holding patient data (reads and writes: no readOnly selector).',
  mirrors: ["S3.22", "S3.23"],
  appliesTo: ["aws_cloudtrail"],
  evaluate: (trail) => (s3DataEventPrefixes(trail).length > 0 ? undefined : "no event selector records S3 object reads and writes"),
};
