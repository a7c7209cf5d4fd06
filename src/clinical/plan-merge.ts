// A 412 on save (someone saved first): the user's draft and the stored one compared field by field against the
// version both started from. Where only one side changed a field, that side is taken automatically; where both
// changed it differently, it is a conflict the user settles (keep mine / take theirs). Notes (activity progress,
// goal notes) are never in conflict: both sides' new notes are kept. No keystroke is lost: every conflict holds
// both values, and applyChoices() never drops a note. Pure.
import type { DatedNote, PlanActivityDraft, PlanDraft, PlanGoalDraft } from "./plan-types.ts";

export type Side = "mine" | "theirs";

export interface FieldConflict {
  /** Stable path, e.g. "title", "activity:cbt/status", "goal:g1/description", "activity:cbt" (present or not). */
  path: string;
  /** For the comparison table, e.g. "Activity CBT: status". */
  label: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
}

export interface MergeResult {
  /** Both sides merged, conflicts resolved as "mine" until the user chooses. */
  merged: PlanDraft;
  conflicts: FieldConflict[];
  /** Fields taken from the stored version automatically (only they changed), for the user to see. */
  takenFromTheirs: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function unionNotes(base: DatedNote[] | undefined, mine: DatedNote[] | undefined, theirs: DatedNote[] | undefined): DatedNote[] | undefined {
  const out: DatedNote[] = [];
  const seen = new Set<string>();
  for (const n of [...(base ?? []), ...(theirs ?? []), ...(mine ?? [])]) {
    const k = JSON.stringify([n.time, n.text, n.author ?? null]);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(n);
    }
  }
  out.sort((a, b) => a.time.localeCompare(b.time));
  return out.length ? out : undefined;
}

type Item = PlanActivityDraft | PlanGoalDraft;

function mergeFields<T extends Item | PlanDraft>(
  prefix: string,
  label: string,
  fields: readonly (keyof T & string)[],
  base: T | undefined,
  mine: T,
  theirs: T,
  into: T,
  res: { conflicts: FieldConflict[]; takenFromTheirs: string[] },
): void {
  for (const f of fields) {
    const b = base?.[f];
    const m = mine[f];
    const t = theirs[f];
    const path = prefix ? `${prefix}/${f}` : f;
    let v: unknown = m;
    if (same(m, t)) v = m;
    else if (base && same(b, m)) {
      v = t;
      res.takenFromTheirs.push(path);
    } else if (base && same(b, t)) v = m;
    else res.conflicts.push({ path, label: `${label}${label ? ": " : ""}${f}`, base: b, mine: m, theirs: t });
    if (v === undefined) delete (into as unknown as Record<string, unknown>)[f];
    else (into as unknown as Record<string, unknown>)[f] = v;
  }
}

const PLAN_FIELDS = ["title", "status", "statusReason", "period", "context", "cm"] as const;
const ACTIVITY_FIELDS = ["title", "text", "status"] as const;
const GOAL_FIELDS = ["description", "startDate", "dueDate", "lifecycleStatus", "achievementStatus", "statusReason", "activityIds"] as const;

function mergeList<T extends Item>(
  kind: "activity" | "goal",
  keyOf: (x: T) => string,
  fields: readonly (keyof T & string)[],
  notesField: "progress" | "notes",
  base: T[],
  mine: T[],
  theirs: T[],
  res: { conflicts: FieldConflict[]; takenFromTheirs: string[] },
): { list: T[]; items: Map<string, { mine?: T; theirs?: T }> } {
  const b = new Map(base.map((x) => [keyOf(x), x]));
  const m = new Map(mine.map((x) => [keyOf(x), x]));
  const t = new Map(theirs.map((x) => [keyOf(x), x]));
  const order = [...m.keys(), ...[...t.keys()].filter((k) => !m.has(k))];
  const list: T[] = [];
  const items = new Map<string, { mine?: T; theirs?: T }>();
  for (const k of order) {
    const bi = b.get(k);
    const mi = m.get(k);
    const ti = t.get(k);
    const shown = (mi ?? ti) as unknown as { title?: string; description?: string };
    const name = `${kind === "activity" ? "Activity" : "Goal"} ${shown.title ?? shown.description ?? k}`;
    if (mi && ti) {
      const into = { ...mi } as T;
      mergeFields(`${kind}:${k}`, name, fields, bi, mi, ti, into, res);
      const notes = unionNotes(bi?.[notesField as keyof T] as DatedNote[] | undefined, mi[notesField as keyof T] as DatedNote[] | undefined, ti[notesField as keyof T] as DatedNote[] | undefined);
      if (notes) (into as unknown as Record<string, unknown>)[notesField] = notes;
      list.push(into);
      continue;
    }
    const present = mi ?? ti!;
    const removedBy: Side = mi ? "theirs" : "mine";
    if (!bi) {
      list.push(present); // added by one side only
      if (!mi) res.takenFromTheirs.push(`${kind}:${k}`);
      continue;
    }
    // Present in the base, removed by one side: the removal stands unless the other side changed the item.
    if (same(present, bi)) {
      if (removedBy === "theirs") res.takenFromTheirs.push(`${kind}:${k}`);
      continue;
    }
    res.conflicts.push({ path: `${kind}:${k}`, label: `${name}: kept or removed`, base: bi, mine: mi, theirs: ti });
    list.push(present);
    items.set(k, { mine: mi, theirs: ti });
  }
  return { list, items };
}

/** Three-way merge of the user's draft (`mine`) with the stored one (`theirs`), both from `base`. */
export function mergeDrafts(base: PlanDraft, mine: PlanDraft, theirs: PlanDraft): MergeResult {
  const res = { conflicts: [] as FieldConflict[], takenFromTheirs: [] as string[] };
  const merged: PlanDraft = { ...mine };
  mergeFields("", "", PLAN_FIELDS, base, mine, theirs, merged, res);
  merged.activities = mergeList("activity", (a) => a.id, ACTIVITY_FIELDS, "progress", base.activities, mine.activities, theirs.activities, res).list;
  merged.goals = mergeList("goal", (g) => g.key, GOAL_FIELDS, "notes", base.goals, mine.goals, theirs.goals, res).list;
  return { merged, conflicts: res.conflicts, takenFromTheirs: res.takenFromTheirs };
}

/** The merged draft with each conflict settled as chosen (unchosen: mine). Notes are kept whatever is chosen. */
export function applyChoices(result: MergeResult, choices: Record<string, Side>): PlanDraft {
  const d: PlanDraft = { ...result.merged, activities: [...result.merged.activities], goals: [...result.merged.goals] };
  for (const c of result.conflicts) {
    if ((choices[c.path] ?? "mine") === "mine") continue;
    const [head, field] = c.path.split("/") as [string, string | undefined];
    const set = (obj: Record<string, unknown>, f: string, v: unknown) => {
      if (v === undefined) delete obj[f];
      else obj[f] = v;
    };
    if (!head.includes(":")) {
      set(d as unknown as Record<string, unknown>, head, c.theirs);
      continue;
    }
    const [kind, key] = [head.slice(0, head.indexOf(":")), head.slice(head.indexOf(":") + 1)];
    const list = (kind === "activity" ? d.activities : d.goals) as Item[];
    const i = list.findIndex((x) => ("key" in x ? x.key : x.id) === key);
    if (field === undefined) {
      // Presence: theirs removed it → remove; theirs kept (changed) it → their version, with my notes added.
      if (c.theirs === undefined) {
        if (i >= 0) list.splice(i, 1);
      } else if (i >= 0) list[i] = c.theirs as Item;
      continue;
    }
    if (i >= 0) {
      const copy = { ...list[i] } as Record<string, unknown>;
      set(copy, field, c.theirs);
      list[i] = copy as unknown as Item;
    }
  }
  return d;
}
