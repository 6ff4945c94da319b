import type { ComponentChildren } from 'preact';
import { Problem, useAction } from './ui';

/**
 * Every action of the associate's screens: a named form whose one button sends it, disabled while
 * it is on its way (a second tap on a slow connection sends nothing), the API's problem shown
 * above the button until the next try. Without fields it is a button on its own; with fields, a
 * card. The fields are the caller's, so each action keeps its own state and body.
 */
export function ActionForm({
  name,
  submit,
  run,
  tone = 'primary',
  children,
}: {
  /** The form's accessible name, e.g. "Ship package 2". */
  name: string;
  /** The button's words. */
  submit: string;
  run: () => Promise<unknown>;
  tone?: 'primary' | 'danger' | 'warning' | 'plain';
  children?: ComponentChildren;
}) {
  const action = useAction();
  return (
    <form
      class={children ? 'card' : 'action'}
      aria-label={name}
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(run);
      }}
    >
      {children}
      <Problem message={action.error} />
      <button type="submit" class={tone === 'plain' ? '' : tone} disabled={action.busy}>
        {submit}
      </button>
    </form>
  );
}
