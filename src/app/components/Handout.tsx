// "Print handout": a preview of the patient handout (handout.ts: plain language, no abbreviations) in a modal
// dialog with Print and Close. The print stylesheet (handout.css) prints only the handout, on one or two pages,
// without the app's controls; the dialog's own buttons are not printed.
import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { buildHandout } from "../handout.ts";
import "../handout.css";
import "../rewards.css";

function HandoutDialog({ onClose }: { onClose(): void }) {
  const { record, evaluation, now } = useEvaluationContext();
  const ref = useRef<HTMLDialogElement>(null);
  const handout = buildHandout({ record, evaluation, now });
  useEffect(() => {
    const dialog = ref.current;
    document.body.classList.add("handout-open");
    if (dialog && !dialog.open) dialog.showModal?.();
    return () => {
      document.body.classList.remove("handout-open");
      if (dialog?.open) dialog.close();
    };
  }, []);
  return createPortal(
    <dialog ref={ref} className="handout-dialog" aria-labelledby="handout-title" onClose={onClose} onCancel={onClose}>
      <div className="handout-toolbar">
        <button type="button" onClick={() => window.print()}>
          Print
        </button>{" "}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <article className="handout">
        <h1 id="handout-title">{handout.title}</h1>
        <p className="handout-subtitle">{handout.subtitle}</p>
        {handout.sections.map((s) => (
          <section key={s.heading}>
            <h2>{s.heading}</h2>
            {s.paragraphs.map((p) => (
              <p key={p}>{p}</p>
            ))}
            {s.items && s.items.length > 0 && (
              <ul>
                {s.items.map((i) => (
                  <li key={i}>{i}</li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </article>
    </dialog>,
    document.body,
  );
}

export function PrintHandout() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  // Focus goes back to the button once the dialog has left the page: an effect runs after the commit that removed
  // it (a timer could run before that commit, and focus would fall back to the body).
  const wasOpen = useRef(false);
  useEffect(() => {
    if (wasOpen.current && !open) button.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    <>
      <button type="button" ref={button} className="small-button" onClick={() => setOpen(true)} aria-haspopup="dialog">
        Print handout
      </button>
      {open && (
        <HandoutDialog
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
