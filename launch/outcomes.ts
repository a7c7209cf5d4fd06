// OperationOutcome errors with the HTTP status they stand for. The outcome ids are the ones @medplum/core's
// getStatus() maps, so an error thrown deep inside the FHIR router still reaches the client with its status.
import { getStatus, OperationOutcomeError } from "@medplum/core";
import type { OperationOutcome, OperationOutcomeIssue } from "@medplum/fhirtypes";

const ID_BY_STATUS: Record<number, string> = {
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  409: "conflict",
  410: "gone",
  412: "precondition-failed",
  422: "business-rule",
};

const CODE_BY_STATUS: Record<number, OperationOutcomeIssue["code"]> = {
  400: "invalid",
  401: "login",
  403: "forbidden",
  404: "not-found",
  409: "conflict",
  410: "deleted",
  412: "conflict",
  422: "business-rule",
  500: "exception",
};

/** Statuses @medplum's getStatus() does not know travel in the id as "sandbox-<status>" (see statusOf). */
const OWN_STATUS = /^sandbox-(\d{3})$/;

export function outcome(status: number, text: string, expression?: string, code?: OperationOutcomeIssue["code"]): OperationOutcome {
  const id = ID_BY_STATUS[status] ?? (status === 400 ? undefined : `sandbox-${status}`);
  return {
    resourceType: "OperationOutcome",
    ...(id ? { id } : {}),
    issue: [
      {
        severity: "error",
        code: code ?? CODE_BY_STATUS[status] ?? "processing",
        details: { text },
        ...(expression ? { expression: [expression] } : {}),
      },
    ],
  };
}

/** An error that the HTTP layer answers with `status` and this OperationOutcome. */
export function fhirError(status: number, text: string, expression?: string, code?: OperationOutcomeIssue["code"]): OperationOutcomeError {
  return new OperationOutcomeError(outcome(status, text, expression, code));
}

/** The HTTP status for an outcome (ours or @medplum's). */
export function statusOf(o: OperationOutcome): number {
  if (o.id === "unprocessable") return 422;
  const own = OWN_STATUS.exec(o.id ?? "");
  if (own) return Number(own[1]);
  return getStatus(o);
}
