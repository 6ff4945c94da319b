/**
 * The source of every event the OMS publishes, apart from the catalogue (events.ts) so that a
 * publisher does not build every event's schema at import just to learn it.
 */
export const EVENT_SOURCE = 'oms';
