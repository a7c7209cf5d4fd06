// The sandbox's FHIR router: @medplum/fhir-router's, with the checks every route needs, applied where both the
// top-level request and each batch/transaction entry pass (FhirRouter.find):
// - ids in the URL must be FHIR R4 ids ([A-Za-z0-9\-.]{1,64}), else 400;
// - operations ($…) are not served (404 not-supported), except $graphql when the sandbox is started with it, and
//   then only within the limits of graphql-limits.ts (400 before the query runs);
// - a batch/transaction holds at most limits.maxBundleEntries entries and never another batch.
import type { FhirRepository, FhirRequest, FhirRouteHandler, FhirRouteMetadata, HttpMethod, RouteResult } from "@medplum/fhir-router";
import { FhirRouter } from "@medplum/fhir-router";
import { graphqlProblem } from "./graphql-limits.ts";
import type { Limits } from "./limits.ts";
import { fhirError } from "./outcomes.ts";
import { FHIR_ID } from "./validate.ts";

type Route = RouteResult<FhirRouteHandler, FhirRouteMetadata>;

export class SandboxRouter extends FhirRouter {
  private readonly graphqlEnabled: boolean;
  private readonly limits: Readonly<Limits>;

  constructor(opts: { graphql: boolean; limits: Readonly<Limits> }) {
    super();
    this.graphqlEnabled = opts.graphql;
    this.limits = opts.limits;
  }

  /**
   * With $graphql on: builds @medplum's GraphQL schema now (every resource type: 5–20 s of synchronous work), at
   * start rather than inside the first query, where it would stop every other request that long.
   */
  async warmUp(repo: FhirRepository): Promise<void> {
    if (!this.graphqlEnabled) return;
    await this.handleRequest({ method: "POST", url: "$graphql", pathname: "", body: { query: "{ __typename }" }, params: {}, query: {} }, repo);
  }

  override find(method: HttpMethod, url: string): Route | undefined {
    const path = url.split("?")[0] ?? "";
    const segments = path.split("/").filter(Boolean);
    const operation = segments.find((s) => s.startsWith("$"));
    const graphql = operation === "$graphql" && segments.length === 1;
    if (operation && !(graphql && this.graphqlEnabled)) {
      throw fhirError(
        404,
        graphql
          ? "$graphql is off in the sandbox (start it with --graphql to turn it on, with depth, alias and cost limits)"
          : `The sandbox does not support the operation ${decodeURIComponent(operation)}`,
        undefined,
        "not-supported",
      );
    }
    const route = super.find(method, url);
    if (!route) return route;
    for (const name of ["id", "vid"] as const) {
      const value = route.params[name];
      if (value !== undefined && !FHIR_ID.test(value)) {
        throw fhirError(400, `"${value}" is not a valid FHIR id (letters, digits, "-" and ".", at most 64)`, name === "id" ? `${route.params.resourceType ?? "Resource"}.id` : undefined);
      }
    }
    if (graphql) return { ...route, handler: this.limitedGraphql(route.handler) };
    if (method === "POST" && segments.length === 0) return { ...route, handler: this.limitedBatch(route.handler) };
    return route;
  }

  private limitedGraphql(handler: FhirRouteHandler): FhirRouteHandler {
    return (req, repo, router, options) => {
      const problem = graphqlProblem((req.body as { query?: unknown } | undefined)?.query);
      if (problem) throw fhirError(400, problem, undefined, "too-costly");
      return handler(req, repo, router, options);
    };
  }

  private limitedBatch(handler: FhirRouteHandler): FhirRouteHandler {
    return (req: FhirRequest, repo, router, options) => {
      if (options?.batch) throw fhirError(400, "A batch or transaction entry cannot be another batch or transaction");
      const entries = (req.body as { entry?: unknown } | undefined)?.entry;
      const max = this.limits.maxBundleEntries;
      if (Array.isArray(entries) && entries.length > max) {
        throw fhirError(400, `The Bundle has ${entries.length} entries; the sandbox takes at most ${max} in one batch or transaction`, "Bundle.entry", "too-costly");
      }
      return handler(req, repo, router, options);
    };
  }
}
