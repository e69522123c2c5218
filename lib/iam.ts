/** IAM policy documents built in TypeScript: readable in the synthesized JSON, checked by the policy pack. */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Principal?: Record<string, string | readonly string[]> | "*";
  readonly Condition?: Record<string, Record<string, string | boolean | readonly string[]>>;
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Trust policy for an AWS service principal. */
export function serviceTrust(service: string | readonly string[], condition?: PolicyStatement["Condition"]): string {
  return policyDocument([
    { Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) },
  ]);
}

export const accountRoot = (accountId: string): string => `arn:aws:iam::${accountId}:root`;
