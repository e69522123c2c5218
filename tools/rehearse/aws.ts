import * as http from "http";

/**
 * The few raw calls the rehearsal makes to the emulator itself (outside terraform): creating the
 * objects that import blocks adopt, as they exist in an account that already runs the platform.
 * moto does not verify signatures; the Authorization header only tells it the service and region.
 */

function authorization(service: string, region: string): string {
  return `AWS4-HMAC-SHA256 Credential=rehearsal-stub-key/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

interface Response {
  readonly status: number;
  readonly body: string;
}

function request(
  endpoint: string,
  method: string,
  pathAndQuery: string,
  service: string,
  region: string,
  body = "",
  headers: Record<string, string> = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${endpoint}${pathAndQuery}`,
      { method, headers: { Authorization: authorization(service, region), "Content-Length": Buffer.byteLength(body), ...headers } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Creates an S3 bucket in the emulator (path-style), as an existing bucket to adopt. */
async function createBucket(endpoint: string, bucket: string, region: string): Promise<void> {
  const body =
    region === "us-east-1"
      ? ""
      : `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`;
  const res = await request(endpoint, "PUT", `/${encodeURIComponent(bucket)}`, "s3", region, body);
  if (res.status !== 200) throw new Error(`creating bucket ${bucket} in the emulator failed: HTTP ${res.status} ${res.body.slice(0, 500)}`);
}

/** Objects that exist before the first apply in an account that already runs the platform, by import target type. */
export const SEEDERS: Readonly<Record<string, (endpoint: string, id: string, region: string) => Promise<void>>> = {
  aws_s3_bucket: createBucket,
};
