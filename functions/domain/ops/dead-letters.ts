/**
 * What a dead-lettered message is about, told without its body. The messages of the work queues
 * are bus events, which by design carry no name, email, phone or street (docs/privacy.md); the
 * dead-letters API still never shows a body, only the event's type and the identifiers of this
 * allow-list found at the top of its detail, so that an event that one day carries more, or a
 * message that is not an event at all, can not put personal data on an ops screen. An id is
 * enough to look the record up through the API, where its access rules apply.
 */
export const SUBJECT_IDS = [
  'orderId',
  'externalId',
  'fulfillmentOrderId',
  'returnId',
  'channelId',
  'locationId',
  'eventId',
] as const;

export type SubjectId = (typeof SUBJECT_IDS)[number];

export interface DeadLetterSubject {
  /** The event's detail-type; absent when the body is not a bus event. */
  type?: string;
  ids: Partial<Record<SubjectId, string>>;
}

/** Ids longer than this are not ids of ours: left out rather than cut. */
const MAX_ID_LENGTH = 256;

export function subjectOf(body: string): DeadLetterSubject {
  const event = parseObject(body);
  const detail = event && isObject(event.detail) ? event.detail : undefined;
  const type = event?.['detail-type'];
  const ids: Partial<Record<SubjectId, string>> = {};
  for (const name of SUBJECT_IDS) {
    const value = detail?.[name];
    if (typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH) ids[name] = value;
  }
  return { ...(typeof type === 'string' && type.length <= MAX_ID_LENGTH && { type }), ids };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
