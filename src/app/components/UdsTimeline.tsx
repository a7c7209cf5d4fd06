// Urine drug screens over time: an SVG chart with three lanes that keep illicit opioids apart from prescribed
// medication (a positive explained by a prescription or MOUD is never drawn as illicit use), and the full table
// as the accessible alternative (each row reachable from the reasons that cite it). Preliminary results (clinical-spec
// §7.2) are shown everywhere, labelled, and never counted: a dashed mark with "p" above the lane line, and
// "preliminary" in the table.
import { addDays, dayNumber, daysBetween } from "../../clinical/dates.ts";
import { ILLICIT_OPIOID_ANALYTES, MOUD_ANALYTES, type AnalyteReading, type UdsTest } from "../../clinical/types.ts";
import { formatDate } from "../format.ts";
import { RefLink, refId } from "./RefLink.tsx";

type Mark = "positive" | "negative" | "indeterminate" | "explained";
type LaneId = "illicit" | "prescribed" | "other";

const LANES: { id: LaneId; label: string }[] = [
  { id: "illicit", label: "Illicit opioids" },
  { id: "prescribed", label: "Prescribed / MOUD" },
  { id: "other", label: "Other substances" },
];

export function readingKind(r: AnalyteReading): LaneId {
  if (r.prescribed || MOUD_ANALYTES.includes(r.analyte)) return "prescribed";
  if (ILLICIT_OPIOID_ANALYTES.includes(r.analyte)) return "illicit";
  return "other";
}

const KIND_LABEL: Record<LaneId, string> = {
  illicit: "Illicit opioid",
  prescribed: "Prescribed / MOUD",
  other: "Other substance",
};

type TestMark = "positive" | "negative" | "indeterminate";

function combine(readings: AnalyteReading[]): TestMark | null {
  const counted = readings.filter((r) => r.counted);
  if (counted.length === 0) return null;
  if (counted.some((r) => r.result === "positive")) return "positive";
  if (counted.some((r) => r.result === "negative")) return "negative";
  return "indeterminate";
}

/** One test's mark in a lane (null: nothing tested there). Positives are never hidden. */
export function laneMark(test: UdsTest, lane: LaneId): TestMark | null {
  if (lane === "illicit") return test.opioid === "none" ? null : test.opioid;
  return combine(test.analytes.filter((r) => readingKind(r) === lane));
}

/** As laneMark, but a prescribed-lane positive that a prescription explains is drawn as "explained", not alarm red. */
function drawnMark(test: UdsTest, lane: LaneId): Mark | null {
  const m = laneMark(test, lane);
  if (m !== "positive" || lane !== "prescribed") return m;
  const positives = test.analytes.filter((r) => r.counted && r.result === "positive" && readingKind(r) === "prescribed");
  return positives.every((r) => r.prescribed) ? "explained" : "positive";
}

const RANK: Record<Mark, number> = { positive: 3, explained: 2, indeterminate: 1, negative: 0 };

/** The preliminary readings of a test in a lane (never counted, §7.2). */
function preliminaryIn(test: UdsTest, lane: LaneId): AnalyteReading[] {
  return test.analytes.filter((r) => r.preliminary && readingKind(r) === lane);
}

function preliminaryMark(readings: AnalyteReading[]): TestMark {
  return readings.some((r) => r.result === "positive") ? "positive" : readings.some((r) => r.result === "negative") ? "negative" : "indeterminate";
}

const PRELIMINARY_SIGN: Record<TestMark, string> = { positive: "p+", negative: "p−", indeterminate: "p?" };
/** Above the lane line, so it never hides (or is hidden by) a counted mark of the same day. */
const PRELIMINARY_OFFSET = 16;

const W = 720;
const LEFT = 150;
const RIGHT = 20;
const LANE_H = 40;
const TOP = 20;
/** Marks are at least this far apart (a mark is 16 wide): tests closer together share one mark. */
const CELL = 20;

function Marker({ x, y, mark, label }: { x: number; y: number; mark: Mark; label: string }) {
  const title = <title>{label}</title>;
  if (mark === "positive" || mark === "explained")
    return (
      <g className={`mark mark-${mark}`}>
        {title}
        <circle cx={x} cy={y} r={8} />
        <text x={x} y={y + 4} textAnchor="middle" aria-hidden="true">
          +
        </text>
      </g>
    );
  if (mark === "negative")
    return (
      <g className="mark mark-negative">
        {title}
        <circle cx={x} cy={y} r={7} />
      </g>
    );
  return (
    <g className="mark mark-indeterminate">
      {title}
      <rect x={x - 6} y={y - 6} width={12} height={12} />
    </g>
  );
}

/** A preliminary result: a dashed white circle with "p+", "p−" or "p?" (shape and text, not colour alone). */
function PreliminaryMarker({ x, y, mark, label }: { x: number; y: number; mark: TestMark; label: string }) {
  // Styled inline so the mark needs no stylesheet rule of its own.
  return (
    <g className={`mark mark-preliminary mark-preliminary-${mark}`}>
      <title>{label}</title>
      <circle cx={x} cy={y} r={8} style={{ fill: "#fff", stroke: "var(--fg, #1b1f24)", strokeWidth: 1.5, strokeDasharray: "2 2" }} />
      <text x={x} y={y + 3} textAnchor="middle" aria-hidden="true" style={{ fontSize: "9px", fontWeight: 700, fill: "var(--fg, #1b1f24)" }}>
        {PRELIMINARY_SIGN[mark]}
      </text>
    </g>
  );
}

function preliminaryLabel(lane: (typeof LANES)[number], readings: { date: string; r: AnalyteReading }[]): string {
  const what = readings.map(({ date, r }) => `${r.analyte} ${r.result} on ${formatDate(date)}`).join(", ");
  return `Preliminary, not counted until confirmed: ${lane.label.toLowerCase()} ${what}`;
}

interface Cell {
  x: number;
  tests: UdsTest[];
}

/**
 * The tests grouped into cells of CELL units along the time axis, so marks never overlap; a cell's mark is its most
 * serious one (positive > explained > indeterminate > negative). Few, spread-out tests each keep a cell of their own.
 */
function cells(tests: UdsTest[]): { cells: Cell[]; x: (date: string) => number; daysPerCell: number } {
  const first = tests[0]!.date;
  const d0 = dayNumber(first);
  const span = Math.max(dayNumber(tests[tests.length - 1]!.date) - d0, 1);
  const plot = W - LEFT - RIGHT;
  const x = (date: string) => (tests.length === 1 ? LEFT + plot / 2 : LEFT + ((dayNumber(date) - d0) / span) * plot);
  if (tests.length === 1) return { cells: [{ x: x(first), tests }], x, daysPerCell: 0 };
  const n = Math.floor(plot / CELL);
  const width = plot / n;
  const byIndex = new Map<number, UdsTest[]>();
  for (const t of tests) {
    const i = Math.min(n - 1, Math.floor((x(t.date) - LEFT) / width));
    byIndex.set(i, [...(byIndex.get(i) ?? []), t]);
  }
  const out: Cell[] = [];
  for (const [i, group] of [...byIndex].sort((a, b) => a[0] - b[0])) {
    // A lone test stays at its own date when its neighbours are far enough; otherwise at the cell's centre.
    const own = group.length === 1 ? x(group[0]!.date) : null;
    out.push({ x: own ?? LEFT + (i + 0.5) * width, tests: group });
  }
  for (let k = 1; k < out.length; k++) {
    const prev = out[k - 1]!;
    const cur = out[k]!;
    if (cur.x - prev.x < CELL) cur.x = prev.x + CELL;
  }
  const last = out[out.length - 1]!;
  if (last.x > W - RIGHT) {
    // Pushed past the end: shift the tail back, keeping the spacing.
    last.x = W - RIGHT;
    for (let k = out.length - 2; k >= 0; k--) out[k]!.x = Math.min(out[k]!.x, out[k + 1]!.x - CELL);
  }
  return { cells: out, x, daysPerCell: span / n };
}

function cellLabel(cell: Cell, lane: (typeof LANES)[number], mark: Mark): string {
  const ts = cell.tests;
  const name = lane.label.toLowerCase();
  const word = mark === "explained" ? "positive" : mark;
  if (ts.length === 1) return `${formatDate(ts[0]!.date)}: ${name} ${word}`;
  const pos = ts.filter((t) => laneMark(t, lane.id) === "positive").length;
  return `${formatDate(ts[0]!.date)} to ${formatDate(ts[ts.length - 1]!.date)} (${ts.length} test days): ${name} ${word}${pos ? ` on ${pos} of ${ts.length}` : ""}`;
}

type Layout = ReturnType<typeof cells>;

function Chart({ tests, layout }: { tests: UdsTest[]; layout: Layout }) {
  const first = tests[0]!.date;
  const last = tests[tests.length - 1]!.date;
  const { cells: grid, x } = layout;
  const height = TOP + LANES.length * LANE_H + 30;
  const positives = tests.filter((t) => t.opioid === "positive").length;
  const negatives = tests.filter((t) => t.opioid === "negative").length;
  const preliminary = tests.reduce((n, t) => n + t.analytes.filter((r) => r.preliminary).length, 0);
  const span = daysBetween(first, last);
  // Dates along the axis: the first and the last test, and up to three in between when there is room.
  const inner = tests.length === 1 || span < 28 ? [] : [1, 2, 3].map((k) => addDays(first, Math.round((span * k) / 4)));
  const ticks = tests.length === 1 ? [first] : [first, ...inner, last];
  return (
    <svg viewBox={`0 0 ${W} ${height}`} className="uds-chart" role="img" aria-labelledby="uds-chart-title uds-chart-desc">
      <title id="uds-chart-title">Urine drug screens over time</title>
      <desc id="uds-chart-desc">
        {`${tests.length} test days from ${formatDate(first)} to ${formatDate(last)}: illicit opioids positive on ${positives}, negative on ${negatives}.` +
          (preliminary ? ` ${preliminary} preliminary result${preliminary === 1 ? "" : "s"}, not counted until confirmed.` : "") +
          " The table below lists every result."}
      </desc>
      {LANES.map((lane, i) => {
        const y = TOP + i * LANE_H + LANE_H / 2;
        return (
          <g key={lane.id}>
            <line x1={LEFT} x2={W - RIGHT} y1={y} y2={y} className="lane-line" />
            <text x={8} y={y + 4} className="lane-label">
              {lane.label}
            </text>
            {grid.map((cell) => {
              const marks = cell.tests.map((t) => drawnMark(t, lane.id)).filter((m): m is Mark => m !== null);
              if (marks.length === 0) return null;
              const mark = marks.reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
              return <Marker key={cell.tests[0]!.date} x={cell.x} y={y} mark={mark} label={cellLabel(cell, lane, mark)} />;
            })}
            {grid.map((cell) => {
              const readings = cell.tests.flatMap((t) => preliminaryIn(t, lane.id).map((r) => ({ date: t.date, r })));
              if (readings.length === 0) return null;
              const mark = preliminaryMark(readings.map((x) => x.r));
              return (
                <PreliminaryMarker
                  key={`p-${cell.tests[0]!.date}`}
                  x={cell.x}
                  y={y - PRELIMINARY_OFFSET}
                  mark={mark}
                  label={preliminaryLabel(lane, readings)}
                />
              );
            })}
          </g>
        );
      })}
      {ticks.map((d, i) => (
        <g key={d}>
          {tests.length > 1 && <line x1={x(d)} x2={x(d)} y1={height - 26} y2={height - 21} className="tick-line" />}
          <text x={x(d)} y={height - 8} textAnchor={tests.length === 1 ? "middle" : i === 0 ? "start" : i === ticks.length - 1 ? "end" : "middle"} className="tick">
            {formatDate(d)}
          </text>
        </g>
      ))}
    </svg>
  );
}

export function UdsTimeline({ tests }: { tests: UdsTest[] }) {
  if (tests.length === 0) return <p>No urine drug screen results were found.</p>;
  const sorted = [...tests].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const latestFirst = [...sorted].reverse();
  const rowIds = new Set<string>();
  const readings = latestFirst.reduce((n, t) => n + t.analytes.length, 0);
  const layout = cells(sorted);
  return (
    <div className="uds">
      <Chart tests={sorted} layout={layout} />
      <p className="legend" aria-hidden="true">
        <span className="legend-item">
          <svg width="18" height="18" viewBox="0 0 18 18" className="mark mark-positive">
            <circle cx="9" cy="9" r="8" />
          </svg>{" "}
          positive
        </span>
        <span className="legend-item">
          <svg width="18" height="18" viewBox="0 0 18 18" className="mark mark-explained">
            <circle cx="9" cy="9" r="8" />
          </svg>{" "}
          present, explained by a prescription
        </span>
        <span className="legend-item">
          <svg width="18" height="18" viewBox="0 0 18 18" className="mark mark-negative">
            <circle cx="9" cy="9" r="7" />
          </svg>{" "}
          negative
        </span>
        <span className="legend-item">
          <svg width="18" height="18" viewBox="0 0 18 18" className="mark mark-indeterminate">
            <rect x="3" y="3" width="12" height="12" />
          </svg>{" "}
          indeterminate
        </span>
        <span className="legend-item">
          <svg width="18" height="18" viewBox="0 0 18 18">
            <PreliminaryMarker x={9} y={9} mark="positive" label="preliminary" />
          </svg>{" "}
          preliminary (p+ positive, p− negative), not counted until confirmed
        </span>
      </p>
      {layout.cells.length < sorted.length && (
        <p className="help">
          Tests close together share one mark (about {Math.max(1, Math.round(layout.daysPerCell))} days each); a mark is positive
          when any test in it was. The table lists every test.
        </p>
      )}
      <details className="uds-table-details">
        <summary>Table of all results ({readings} readings on {tests.length} days)</summary>
        <div className="table-wrap">
          <table className="uds-table">
            <caption>Urine drug screen results, latest first</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Substance</th>
                <th scope="col">Result</th>
                <th scope="col">Reading</th>
                <th scope="col">Counted</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {latestFirst.flatMap((t) =>
                t.analytes.map((r, i) => {
                  const first = !rowIds.has(r.source);
                  rowIds.add(r.source);
                  const kind = readingKind(r);
                  // "No fentanyl test" only when no fentanyl result of any status was read that day (§7.2).
                  const noFentanyl = !t.analytes.some((a) => a.analyte === "fentanyl");
                  return (
                    <tr key={`${t.date}-${i}-${r.source}-${r.analyte}`} id={first ? refId(r.source) : undefined} tabIndex={first ? -1 : undefined} className={`row-${kind}`}>
                      <td>{formatDate(t.date)}</td>
                      <td>{r.analyte}</td>
                      <td className={`result-${r.result}`}>
                        {r.result}
                        {r.preliminary && " (preliminary)"}
                      </td>
                      <td>
                        {KIND_LABEL[kind]}
                        {r.prescribed && " (explained by a prescription)"}
                        {r.preliminary && " — preliminary, not counted until confirmed"}
                        {kind === "illicit" && noFentanyl && r === t.analytes.find((a) => readingKind(a) === "illicit") && " — no fentanyl test that day"}
                      </td>
                      <td>{r.counted ? "yes" : `no (${r.status})`}</td>
                      <td>
                        <RefLink value={r.source} showOnly />
                      </td>
                    </tr>
                  );
                }),
              )}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
