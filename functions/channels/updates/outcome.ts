/**
 * What telling a channel about an event came to. `sent`: the channel was changed. `already_done`:
 * the channel already shows it (a redelivery after a lost answer, or two events for one change),
 * found by looking at the channel before writing. `skipped`: nothing is sent, by design (no
 * credentials, a channel without updates yet, nothing left to change on the channel's side).
 */
export interface UpdateOutcome {
  outcome: 'sent' | 'already_done' | 'skipped';
  detail: string;
}

export const sent = (detail: string): UpdateOutcome => ({ outcome: 'sent', detail });
export const alreadyDone = (detail: string): UpdateOutcome => ({ outcome: 'already_done', detail });
export const skipped = (detail: string): UpdateOutcome => ({ outcome: 'skipped', detail });

/** The text every OMS refund carries on the channel, by which a redelivery finds it there. */
export const refundMarker = (refundId: string) => `OMS refund ${refundId}`;
