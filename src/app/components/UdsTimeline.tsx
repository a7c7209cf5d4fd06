// Urine drug screens over time: an SVG chart with three lanes that keep illicit opioids apart from prescribed
// medication (a positive explained by a prescription or MOUD is never drawn as illicit use), and the full table
// as the accessible alternative (each row reachable from the reasons that cite it).
import { dayNumber } from "../../clinical/dates.ts";
import type { PatientRecord } from "../../clinical/record.ts";
import { ILLICIT_OPIOID_ANALYTES, MOUD_ANALYTES, type AnalyteReading, type UdsTest } from "../../clinical/types.ts";
import { RefLink, refId } from "./RefLink.tsx";

type Mark = "positive" | "negative" | "indeterminate";
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

function combine(readings: AnalyteReading[]): Mark | null {
  const counted = readings.filter((r) => r.counted);
  if (counted.length === 0) return null;
  if (counted.some((r) => r.result === "positive")) return "positive";
  if (counted.some((r) => r.result === "negative")) return "negative";
  return "indeterminate";
}

export function laneMark(test: UdsTest, lane: LaneId): Mark | null {
  if (lane === "illicit") return test.opioid === "none" ? null : test.opioid;
  return combine(test.analytes.filter((r) => readingKind(r) === lane));
}

const W = 720;
const LEFT = 150;
const RIGHT = 20;
const LANE_H = 40;
const TOP = 20;

function Marker({ x, y, mark, label }: { x: number; y: number; mark: Mark; label: string }) {
  const title = <title>{label}</title>;
  if (mark === "positive")
    return (
      <g className="mark mark-positive">
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

function Chart({ tests }: { tests: UdsTest[] }) {
  const first = tests[0]!.date;
  const last = tests[tests.length - 1]!.date;
  const d0 = dayNumber(first);
  const span = Math.max(dayNumber(last) - d0, 1);
  const x = (date: string) => (tests.length === 1 ? (LEFT + W - RIGHT) / 2 : LEFT + ((dayNumber(date) - d0) / span) * (W - LEFT - RIGHT));
  const height = TOP + LANES.length * LANE_H + 30;
  const positives = tests.filter((t) => t.opioid === "positive").length;
  const negatives = tests.filter((t) => t.opioid === "negative").length;
  const ticks = tests.length === 1 ? [first] : [first, last];
  return (
    <svg viewBox={`0 0 ${W} ${height}`} className="uds-chart" role="img" aria-labelledby="uds-chart-title uds-chart-desc">
      <title id="uds-chart-title">Urine drug screens over time</title>
      <desc id="uds-chart-desc">
        {`${tests.length} test days from ${first} to ${last}: illicit opioids positive on ${positives}, negative on ${negatives}. The table below lists every result.`}
      </desc>
      {LANES.map((lane, i) => {
        const y = TOP + i * LANE_H + LANE_H / 2;
        return (
          <g key={lane.id}>
            <line x1={LEFT} x2={W - RIGHT} y1={y} y2={y} className="lane-line" />
            <text x={8} y={y + 4} className="lane-label">
              {lane.label}
            </text>
            {tests.map((t) => {
              const mark = laneMark(t, lane.id);
              return mark ? <Marker key={t.date} x={x(t.date)} y={y} mark={mark} label={`${t.date}: ${lane.label.toLowerCase()} ${mark}`} /> : null;
            })}
          </g>
        );
      })}
      {ticks.map((d, i) => (
        <text key={d} x={x(d)} y={height - 8} textAnchor={tests.length === 1 ? "middle" : i === 0 ? "start" : "end"} className="tick">
          {d}
        </text>
      ))}
    </svg>
  );
}

export function UdsTimeline({ tests, record }: { tests: UdsTest[]; record: PatientRecord }) {
  if (tests.length === 0) return <p>No urine drug screen results were found.</p>;
  const sorted = [...tests].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const latestFirst = [...sorted].reverse();
  const rowIds = new Set<string>();
  const readings = latestFirst.reduce((n, t) => n + t.analytes.length, 0);
  return (
    <div className="uds">
      <Chart tests={sorted} />
      <p className="legend" aria-hidden="true">
        <span className="legend-item">
          <svg width="18" height="18" viewBox="0 0 18 18" className="mark mark-positive">
            <circle cx="9" cy="9" r="8" />
          </svg>{" "}
          positive
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
      </p>
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
                  return (
                    <tr key={`${t.date}-${i}-${r.source}-${r.analyte}`} id={first ? refId(r.source) : undefined} tabIndex={first ? -1 : undefined} className={`row-${kind}`}>
                      <td>{t.date}</td>
                      <td>{r.analyte}</td>
                      <td className={`result-${r.result}`}>{r.result}</td>
                      <td>
                        {KIND_LABEL[kind]}
                        {r.prescribed && " (explained by a prescription)"}
                        {kind === "illicit" && !t.fentanylTested && r === t.analytes.find((a) => readingKind(a) === "illicit") && " — no fentanyl test that day"}
                      </td>
                      <td>{r.counted ? "yes" : `no (${r.status})`}</td>
                      <td>
                        <RefLink value={r.source} record={record} showOnly />
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
