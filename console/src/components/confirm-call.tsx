import { useEffect, useRef } from 'react';
import type { Tool } from '../tools';

/**
 * Asks before a destructive call, in a modal <dialog>: the browser keeps focus inside it and Escape cancels.
 * Cancel has the focus first, so Enter alone never confirms.
 */
export function ConfirmCall(props: {
  server: string;
  tool: Tool;
  args: Record<string, unknown>;
  onConfirm(): void;
  onCancel(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  return (
    <dialog
      ref={dialog}
      aria-labelledby="confirm-title"
      aria-describedby="confirm-what"
      onCancel={props.onCancel}
    >
      <h2 id="confirm-title">Call {props.tool.name}?</h2>
      <p id="confirm-what">
        {props.tool.name} on {props.server} is marked destructive: it may delete or overwrite. It will be
        called with:
      </p>
      <pre className="json">{JSON.stringify(props.args, null, 2)}</pre>
      <div className="actions">
        {/* biome-ignore lint/a11y/noAutofocus: the safe choice takes the focus in a confirmation dialog */}
        <button type="button" autoFocus onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={props.onConfirm}>
          Call {props.tool.name}
        </button>
      </div>
    </dialog>
  );
}
