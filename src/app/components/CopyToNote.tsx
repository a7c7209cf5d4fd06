// "Copy to note": one click puts a plain-text summary of the plan and of what changed at this visit (visit-note.ts)
// on the clipboard, for EHRs where the clinician pastes into a note, and says so. Clipboard API first; where it is
// refused (an EHR iframe without clipboard-write permission), a hidden textarea and execCommand("copy"); where both
// fail, the text is shown selected, to copy by hand.
import { useRef, useState } from "react";
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { visitNote } from "../visit-note.ts";

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // refused: try the fallback
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

export function CopyToNote() {
  const { record, evaluation, now } = useEvaluationContext();
  const [result, setResult] = useState<{ ok: boolean; text: string; lines: number } | null>(null);
  const manual = useRef<HTMLTextAreaElement>(null);

  async function copy() {
    const text = visitNote({ record, evaluation, now });
    const ok = await copyText(text);
    setResult({ ok, text, lines: text.split("\n").length });
    if (!ok) setTimeout(() => manual.current?.select(), 0);
  }

  return (
    <span className="copy-to-note">
      <button type="button" className="small-button" onClick={() => void copy()}>
        Copy to note
      </button>
      <span role="status" className="copy-status">
        {result?.ok && `Copied: a summary of ${result.lines} lines. Paste it into the note.`}
      </span>
      {result && !result.ok && (
        <span className="copy-manual">
          <label htmlFor="note-text">The browser refused the clipboard. Copy this text by hand:</label>
          <textarea id="note-text" ref={manual} readOnly rows={8} value={result.text} />
        </span>
      )}
    </span>
  );
}
