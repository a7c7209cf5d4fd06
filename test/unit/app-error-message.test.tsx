// ErrorMessage for each fault a server can give: a specific line saying what happened and what to do, the
// server's OperationOutcome issues as text (several issues → several lines), never a raw JSON dump; a non-FHIR body
// quoted as text; a 403 names the scope; an ended session in plain words.
import type { OperationOutcome } from "fhir/r4.js";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ErrorMessage } from "../../src/app/components/ErrorMessage.tsx";
import { FhirError, SessionEnded } from "../../src/fhir/errors.ts";
import { neededScope } from "../../src/fhir/retry.ts";

const oo = (...texts: string[]): OperationOutcome => ({
  resourceType: "OperationOutcome",
  issue: texts.map((t) => ({ severity: "error", code: "processing", details: { text: t } })),
});

function shown(error: unknown): { text: string; items: string[] } {
  const html = renderToStaticMarkup(<ErrorMessage title="The plan was not saved" error={error} hint="Your edits are kept." />);
  const items = [...html.matchAll(/<li[^>]*>(.*?)<\/li>/g)].map((m) => m[1]!);
  return { text: html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").replace(/&quot;/g, '"').replace(/&#x27;/g, "'"), items };
}

describe("ErrorMessage", () => {
  it.each<[string, unknown, RegExp]>([
    ["500", new FhirError(500, "the FHIR server", oo("Internal server error")), /The server had an error \(500\) on the FHIR server\. Try again; if it keeps failing, tell the EHR's support\. The server said: "?Internal server error/],
    ["503", FhirError.fromResponse(503, "the FHIR server", oo("maintenance"), undefined, "1"), /unavailable for now \(503\) on the FHIR server\. It was tried again\. Wait a minute, then try again\./],
    ["429", FhirError.fromResponse(429, "the FHIR server", oo("slow down"), undefined, "1"), /busy \(429\) on the FHIR server\. It asked to wait and was tried again\./],
    ["timeout", new FhirError(0, "the FHIR server", undefined, "no answer within 30 s", { timedOut: true }), /did not answer in time on the FHIR server\. It was tried again where that is safe\./],
    ["dropped connection", new FhirError(0, "the FHIR server", undefined, "Failed to fetch"), /could not be reached, or the connection was dropped on the FHIR server\. Check the network and try again\. The browser reported: "?Failed to fetch/],
    ["404", new FhirError(404, "Condition/oud-1", oo("Condition/oud-1 not found")), /Not found \(404\) on Condition\/oud-1\. It may have been deleted or merged\./],
    ["412", new FhirError(412, "the FHIR server", oo("version 3 is current")), /Someone else changed the data \(412\)/],
    ["ended session", new SessionEnded("Patient/p1", "refresh-failed"), /^The plan was not saved Your session with the EHR has ended; your edits are kept in this tab\. Launch Stagewise again from the patient's chart\. Your edits are kept\.$/],
  ])("%s: a specific message with what to do", (_name, error, expected) => {
    const { text } = shown(error);
    expect(text.trim()).toMatch(expected);
    expect(text).not.toMatch(/resourceType|\{"|copy what you need/);
    // The server said something only when it answered.
    if (error instanceof FhirError && error.status === 0) expect(text).not.toContain("The server said");
  });

  it("an OperationOutcome with several issues: one line each", () => {
    const { text, items } = shown(new FhirError(422, "the FHIR server", oo("The request breaks a business rule", "A required element is missing", "A warning")));
    expect(text).toContain("The server did not accept the data (422)");
    expect(text).toContain("The server named 3 problems:");
    expect(items).toEqual(["The request breaks a business rule", "A required element is missing", "A warning"]);
  });

  it("a non-JSON body: not FHIR, with its first 200 characters as text (markup shown as text, never as HTML)", () => {
    const page = `<html><body><h1>502 Bad Gateway</h1><p>${"x".repeat(300)}</p><script>alert(1)</script></body></html>`;
    const html = renderToStaticMarkup(<ErrorMessage title="t" error={FhirError.fromResponse(502, "the FHIR server", page)} />);
    expect(html).not.toContain("<script>");
    const { text } = shown(FhirError.fromResponse(502, "the FHIR server", page));
    expect(text).toContain("The server answered with something that is not FHIR (502 Bad Gateway xxxx");
    expect(text).toMatch(/x{100,}\)/);
  });

  it("a 403 names the scope the request needed", () => {
    const e = new FhirError(403, "CarePlan/cp-1", oo("insufficient scope")).with({ scope: neededScope("https://x", "CarePlan/cp-1", { method: "PUT", body: {} }) });
    expect(shown(e).text).toContain("Stagewise needs the scope patient/CarePlan.u (SMART v1: patient/CarePlan.write), which this launch was not granted.");
  });
});
