// HTML pages of the sandbox's authorization server: the sign-in/patient picker of a standalone launch and the
// error page for requests that cannot be redirected back (unknown client or redirect URI). All text is escaped.
import { esc } from "./http-util.ts";

export interface PickerOption {
  value: string;
  label: string;
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:40rem;padding:0 1rem;color:#1a1a1a}
label{display:block;font-weight:600;margin-top:1rem}select,button{font:inherit;padding:.4rem .6rem;margin-top:.25rem}
button{margin-right:.5rem}code{background:#f2f2f2;padding:0 .2rem}:focus-visible{outline:3px solid #1f5fbf;outline-offset:2px}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${esc(title)}</h1><p role="alert">${esc(message)}</p>`);
}

export function pickerPage(opts: {
  clientName: string;
  params: Record<string, string>;
  scopes: string[];
  users: PickerOption[];
  patients: PickerOption[] | undefined;
}): string {
  const hidden = Object.entries(opts.params)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join("");
  const select = (name: string, label: string, options: PickerOption[]): string =>
    `<label for="${name}">${esc(label)}</label><select id="${name}" name="${name}" required>${options
      .map((o) => `<option value="${esc(o.value)}">${esc(o.label)}</option>`)
      .join("")}</select>`;
  const patientField = opts.patients
    ? opts.patients.length > 0
      ? select("sandbox_patient", "Patient", opts.patients)
      : `<p role="alert">The sandbox holds no patients: add bundles to fhir-resources/patients/.</p>`
    : "";
  return page(
    "Sandbox EHR: sign in",
    `<h1>Sandbox EHR: sign in</h1>
<p><strong>${esc(opts.clientName)}</strong> asks for access (standalone launch).</p>
<p>Scopes asked for:</p><ul>${opts.scopes.map((s) => `<li><code>${esc(s)}</code></li>`).join("")}</ul>
<form method="post" action="/auth/authorize">${hidden}
${select("sandbox_user", "Signed-in user", opts.users)}
${patientField}
<p><button type="submit" name="decision" value="approve">Allow</button><button type="submit" name="decision" value="deny">Deny</button></p>
</form>`,
  );
}
