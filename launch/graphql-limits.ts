// Limits on a FHIR GraphQL query ($graphql, off unless the sandbox is started with --graphql), checked before it
// runs: field depth, aliases, and cost, an estimate of the resources it can fetch. A list or connection field
// (ObservationList, ObservationConnection) fetches up to its _count (default 20) for each parent it runs under; a
// read (Patient(id:…)), a reference's `resource` and a mutation fetch one. Nesting multiplies: three levels of
// ObservationList(_count: 1000) cost a thousand million, and are refused before any search runs.
import { Kind, parse } from "graphql";
import type { DocumentNode, FragmentDefinitionNode, SelectionSetNode, ValueNode } from "graphql";

export interface GraphqlLimits {
  maxDepth: number;
  maxAliases: number;
  /** Resources a query may fetch, estimated as above. */
  maxCost: number;
}

export const GRAPHQL_LIMITS: Readonly<GraphqlLimits> = { maxDepth: 8, maxAliases: 10, maxCost: 2000 };

/** medplum's page size for a list field without _count (DEFAULT_SEARCH_COUNT) and its largest. */
const DEFAULT_LIST_COUNT = 20;
const MAX_LIST_COUNT = 1000;

export interface GraphqlCost {
  depth: number;
  aliases: number;
  cost: number;
}

function countArgument(value: ValueNode | undefined): number {
  if (!value) return DEFAULT_LIST_COUNT;
  if (value.kind === Kind.INT) return Math.max(0, Math.min(MAX_LIST_COUNT, Number(value.value)));
  return MAX_LIST_COUNT; // a variable or anything else: the worst case
}

/** Depth, aliases and cost of every operation in the document (fragments expanded where they are spread). */
export function measureGraphql(document: DocumentNode): GraphqlCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const total: GraphqlCost = { depth: 0, aliases: 0, cost: 0 };

  const walk = (set: SelectionSetNode, depth: number, multiplier: number, spreading: ReadonlySet<string>): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, depth, multiplier, spreading);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const name = sel.name.value;
        const fragment = fragments.get(name);
        if (fragment && !spreading.has(name)) walk(fragment.selectionSet, depth, multiplier, new Set([...spreading, name]));
        continue;
      }
      const name = sel.name.value;
      total.depth = Math.max(total.depth, depth + 1);
      if (sel.alias) total.aliases++;
      let fetched = 0;
      if (/(List|Connection)$/.test(name)) fetched = countArgument(sel.arguments?.find((a) => a.name.value === "_count")?.value);
      else if (name === "resource" || /^[A-Z]/.test(name)) fetched = 1; // a reference followed, a read, a mutation
      total.cost += multiplier * fetched;
      if (sel.selectionSet) walk(sel.selectionSet, depth + 1, fetched > 1 ? multiplier * fetched : multiplier, spreading);
      if (total.cost > Number.MAX_SAFE_INTEGER / MAX_LIST_COUNT) return;
    }
  };

  for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION) walk(d.selectionSet, 0, 1, new Set());
  return total;
}

/** Why the query may not run, or undefined when it may. */
export function graphqlProblem(query: unknown, limits: Readonly<GraphqlLimits> = GRAPHQL_LIMITS): string | undefined {
  if (typeof query !== "string" || query.trim() === "") return "A GraphQL request needs a query (a string)";
  if (query.length > 20_000) return "The GraphQL query is longer than 20,000 characters";
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: 5000 });
  } catch (err) {
    return `The GraphQL query does not parse: ${(err as Error).message}`;
  }
  const m = measureGraphql(document);
  if (m.aliases > limits.maxAliases) return `The GraphQL query uses ${m.aliases} aliases; the sandbox allows at most ${limits.maxAliases}`;
  if (m.depth > limits.maxDepth) return `The GraphQL query nests fields ${m.depth} deep; the sandbox allows at most ${limits.maxDepth}`;
  if (m.cost > limits.maxCost) {
    return `The GraphQL query could fetch about ${m.cost.toLocaleString("en")} resources (its cost); the sandbox allows at most ${limits.maxCost.toLocaleString("en")}: lower _count or nest fewer lists`;
  }
  return undefined;
}
