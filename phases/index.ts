import { phase1 } from "./phase1";
import { phase2 } from "./phase2";
import { phase3 } from "./phase3";
import { phase4 } from "./phase4";
import { PhaseConfig, PhaseNumber } from "./types";

export const PHASE_CONFIGS: Readonly<Record<PhaseNumber, PhaseConfig>> = {
  1: phase1,
  2: phase2,
  3: phase3,
  4: phase4,
};

export function phaseConfig(phase: PhaseNumber): PhaseConfig {
  return PHASE_CONFIGS[phase];
}

export * from "./types";
