// Learning curves: the one type every layer uses (the simulation, the contract, the UI's chart, the standalone SVG of
// learning-curve-svg.ts).

/** One measurement: F1 with `labeled` documents (sentences) annotated. */
export interface CurvePoint {
  /** Documents (sentences) annotated so far. */
  labeled: number;
  f1: number;
}

/** One line of a learning-curve chart. */
export interface CurveSeries {
  name: string;
  points: CurvePoint[];
}

/** The series of `workbench simulate` runs (results.json's `runs`): dev F1 per round. */
export function simulationSeries(
  runs: readonly { name: string; rounds: readonly { labeled: number; dev: { f1: number } }[] }[],
): CurveSeries[] {
  return runs.map((r) => ({ name: r.name, points: r.rounds.map((x) => ({ labeled: x.labeled, f1: x.dev.f1 })) }));
}

/** The first measured point at which a series reaches `f1` (no interpolation); undefined when it never does. */
export function labeledToReach(points: readonly CurvePoint[], f1: number): number | undefined {
  return [...points].sort((a, b) => a.labeled - b.labeled).find((p) => p.f1 >= f1)?.labeled;
}
