import { PhaseNumber } from "../../phases/types";
import { SynthStack } from "../synth";
import { Emulator } from "./emulator";
import { EmulatorGaps } from "./gaps";
import { Removal } from "./graph";
import { ScratchApp } from "./scratch";

// The rehearsal's options, results and the state every step shares (tools/rehearse/run.ts runs it).

export interface RehearsalOptions {
  readonly phase: PhaseNumber;
  /** @default - the example inputs' `compute` (terraform.tfvars.example: "fargate") */
  readonly compute?: "apprunner" | "fargate";
  /** production (terraform.tfvars.example) or staging (staging.tfvars.example in the emulator's account). @default "production" */
  readonly environment?: "production" | "staging";
  /** Stacks to rehearse (their dependencies are applied first). @default - every AWS-only stack */
  readonly stacks?: readonly string[];
  /** @default false */
  readonly upgrade?: boolean;
  /** @default false */
  readonly destroy?: boolean;
  /** Keep the scratch directory (prepared stacks, state files, logs). @default - removed unless a step failed */
  readonly keep?: boolean;
  /** @default - a new directory under the OS temp dir */
  readonly scratchDir?: string;
  /** Stacks of one wave applied (or destroyed) at the same time. @default - the number of CPUs */
  readonly jobs?: number;
  /** @default - lines to standard output */
  readonly log?: (line: string) => void;
}

export type ReplanOutcome = "no changes" | "changes" | "error" | "not run";

export interface StackRun {
  readonly stack: string;
  readonly phase: number;
  readonly step: "apply" | "upgrade";
  readonly ok: boolean;
  /** Resources in the scratch copy (what the emulator was asked to hold). */
  readonly resources: number;
  /** Resources of the synthesized stack cut out by an emulator gap (directly or as dependants). */
  readonly excluded: number;
  readonly imported: number;
  readonly added: number;
  readonly changed: number;
  readonly destroyed: number;
  readonly seconds: number;
  readonly replan: ReplanOutcome;
  /** Upgrades: plan-gate on the upgrade plan. @default - absent: not an upgrade, or the stack failed before its upgrade plan */
  readonly gate?: "pass" | "fail" | "no changes";
  /** @default - absent: the stack's steps succeeded */
  readonly error?: string;
  readonly log: string;
}

export interface DestroyRun {
  readonly stack: string;
  readonly ok: boolean;
  /** Resources whose prevent_destroy stopped the first destroy plan (terraform's error). */
  readonly preventDestroyBlocked: readonly string[];
  readonly preventDestroyExpected: readonly string[];
  /** Resources whose deletion protection made the delete call fail, with the API error. */
  readonly deletionProtectionBlocked: readonly { readonly address: string; readonly error: string }[];
  /** Buckets S3 refused to delete because they hold objects (force_destroy is false), with the API error. */
  readonly notEmpty: readonly { readonly address: string; readonly error: string }[];
  readonly deletionProtectionExpected: readonly string[];
  /**
   * Deletion-protected resources of a type whose protection the emulator does not enforce (a gap in
   * tools/rehearse/emulator/emulator-gaps.json `unenforced`), with the gap's id: not expected to stop the delete.
   */
  readonly deletionProtectionUnenforced: readonly { readonly address: string; readonly gap: string }[];
  readonly destroyed: number;
  readonly seconds: number;
  /** @default - absent: the destroy succeeded */
  readonly error?: string;
  readonly log: string;
}

export interface RehearsalSummary {
  readonly ok: boolean;
  readonly phase: number;
  /** @default - absent: not an upgrade rehearsal */
  readonly upgradedTo?: number;
  readonly compute: string;
  readonly moto: string;
  readonly terraform: string;
  readonly scratchDir: string;
  readonly kept: boolean;
  readonly seconds: number;
  /** The machine's 1-minute load average at the start and at the end (times depend on it). */
  readonly load: readonly [number, number];
  readonly applied: readonly StackRun[];
  readonly upgraded: readonly StackRun[];
  readonly destroyed: readonly DestroyRun[];
  /** Applied stacks the destroy left alone because a consumer of theirs could not be destroyed. */
  readonly destroySkipped: readonly { readonly stack: string; readonly reason: string }[];
  /**
   * The allowed_account_ids guard, tried with a foreign account against the emulator's STS.
   * @default - absent: the guard was not tried (the run stopped before its first stack)
   */
  readonly accountGuard?: { readonly stack: string; readonly allowed: string; readonly refused: boolean; readonly error: string };
  /** Stacks of the phase not rehearsed, with the reason. */
  readonly notApplied: readonly { readonly stack: string; readonly reason: string }[];
  /** Everything cut out of the scratch copy, per phase. */
  readonly removals: Readonly<Record<string, readonly Removal[]>>;
  readonly failures: readonly string[];
}

export interface Phase {
  readonly number: number;
  readonly stacks: readonly SynthStack[];
  readonly scratch: ScratchApp;
  readonly waves: readonly string[][];
  readonly absent: ReadonlyMap<string, string>;
  readonly excludedBySynthStack: ReadonlyMap<string, number>;
}

/** What every step needs: the emulator, where to work and where to write. */
export interface Context {
  readonly emulator: Emulator;
  readonly workdir: string;
  readonly logDir: string;
  readonly stateDir: string;
  readonly gaps: EmulatorGaps;
  readonly log: (l: string) => void;
}
