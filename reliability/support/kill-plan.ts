/**
 * When the crash-safety suite kills each campaign: "random" moments that are the same on every run,
 * drawn with seedrandom from a fixed seed (never Math.random). A kill is timed from an anchor the campaign
 * itself announces, so it lands in the phase meant whatever the machine's speed: during start-up, while
 * replaying and running cases, right after a finding was saved (more saves and shrinks under way), or as a
 * time budget runs out (the reports being written).
 */
import seedrandom from 'seedrandom';

export type KillAnchor = 'spawn' | 'header' | 'finding' | 'budget-end';

export interface KillStep {
  readonly anchor: KillAnchor;
  /** Delay after the anchor; for budget-end, after the header plus the budget (may be negative). */
  readonly delayMs: number;
  readonly workers: 0 | 1;
  /** The campaign seed: a new one each time, so every restart finds new things to save. */
  readonly seed: number;
}

/** The time budget of budget-end steps. */
export const BUDGET_MS = 1000;

export function killPlan(seed: string, steps: number): KillStep[] {
  const random = seedrandom(seed);
  const between = (low: number, high: number): number => Math.round(low + random() * (high - low));
  return Array.from({ length: steps }, (): KillStep => {
    const pick = random();
    const anchor: KillAnchor = pick < 0.25 ? 'spawn' : pick < 0.55 ? 'header' : pick < 0.9 ? 'finding' : 'budget-end';
    const delayMs = { spawn: between(0, 1200), header: between(0, 900), finding: between(0, 30), 'budget-end': between(-150, 350) }[anchor];
    return { anchor, delayMs, workers: random() < 0.7 ? 0 : 1, seed: random.int32() >>> 0 };
  });
}
