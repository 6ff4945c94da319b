/**
 * Calendar arithmetic in a location's own time zone with the runtime's Intl data: no time-zone
 * library, and no clock (every instant is given). Dates are ISO `YYYY-MM-DD` calendar days,
 * handled as UTC midnights so that adding a day never meets a daylight-saving change.
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface LocalDateTime {
  date: string;
  /** `HH:MM` on a 24-hour clock. */
  time: string;
  weekday: Weekday;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function partsAt(epochMs: number, timeZone: string) {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(epochMs)
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The wall-clock date, time and weekday of an instant at a place. */
export function localDateTime(instant: string, timeZone: string): LocalDateTime {
  const epochMs = Date.parse(instant);
  if (Number.isNaN(epochMs)) throw new RangeError(`${instant} is not an ISO 8601 instant.`);
  const { year, month, day, hour, minute } = partsAt(epochMs, timeZone);
  const date = `${year}-${pad(month)}-${pad(day)}`;
  return { date, time: `${pad(hour)}:${pad(minute)}`, weekday: weekdayOf(date) };
}

/**
 * The instant a wall-clock time happens at a place. The zone's offset is read at a first guess
 * and again at the corrected instant, which settles the days a clock moves.
 */
export function instantAt(date: string, time: string, timeZone: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let instant = wall - offsetAt(wall, timeZone);
  instant = wall - offsetAt(instant, timeZone);
  return new Date(instant).toISOString();
}

function offsetAt(epochMs: number, timeZone: string): number {
  const { year, month, day, hour, minute, second } = partsAt(epochMs, timeZone);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

export function weekdayOf(date: string): Weekday {
  return WEEKDAYS[(dayNumber(date) + 3) % 7]!;
}

export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date) + days) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The day `count` working days after `date`; with 0, `date` itself if it is a working day, else
 * the next one. `isWorking` is asked about each day in turn.
 */
export function addWorkingDays(date: string, count: number, isWorking: (date: string) => boolean): string {
  let day = date;
  let guard = 0;
  const step = () => {
    day = addDays(day, 1);
    if (++guard > 366)
      throw new RangeError('No working day within a year: check the working days and holidays.');
  };
  while (!isWorking(day)) step();
  for (let left = count; left > 0; left -= 1) {
    step();
    while (!isWorking(day)) step();
  }
  return day;
}

/** Days since 1970-01-01 (a Thursday). */
function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

function pad(value: number): string {
  return value.toString().padStart(2, '0');
}
