/**
 * Time arithmetic for the RDS windows (UTC) and the pg_dump schedule (a local time in an IANA time
 * zone, daylight saving included), so that the dump never runs while RDS takes its automated
 * backup or applies maintenance. Uses only the runtime's Intl time-zone data.
 */

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

const HHMM = "([01]\\d|2[0-3]):([0-5]\\d)";
const DAILY = new RegExp(`^${HHMM}-${HHMM}$`);
const WEEKLY = new RegExp(`^(${DAYS.join("|")}):${HHMM}-(${DAYS.join("|")}):${HHMM}$`);
const DAILY_CRON = /^cron\((\d{1,2}) (\d{1,2}) \* \* \? \*\)$/;

/** A recurring UTC window: daily ("01:00-01:30") or weekly ("sun:02:00-sun:03:00"). */
export interface Window {
  /** Minutes after the start of the period (day or week, weeks start Sunday 00:00 UTC). */
  readonly start: number;
  readonly end: number;
  /** Length of the period in minutes: 1440 (daily) or 10080 (weekly). */
  readonly period: number;
}

/** Parses an RDS backup window ("hh:mm-hh:mm", UTC); undefined when malformed. */
export function parseDailyWindow(text: string): Window | undefined {
  const m = DAILY.exec(text);
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  let end = Number(m[3]) * 60 + Number(m[4]);
  if (end <= start) end += 1440;
  return { start, end, period: 1440 };
}

/** Parses an RDS maintenance window ("ddd:hh:mm-ddd:hh:mm", UTC); undefined when malformed. */
export function parseWeeklyWindow(text: string): Window | undefined {
  const m = WEEKLY.exec(text);
  if (!m) return undefined;
  const at = (day: string, h: string, mm: string) => DAYS.indexOf(day as (typeof DAYS)[number]) * 1440 + Number(h) * 60 + Number(mm);
  const start = at(m[1], m[2], m[3]);
  let end = at(m[4], m[5], m[6]);
  if (end <= start) end += 10080;
  return { start, end, period: 10080 };
}

export const windowMinutes = (w: Window): number => w.end - w.start;

/** Two windows of the same or different periods share a minute (checked over one week). */
export function windowsOverlap(a: Window, b: Window): boolean {
  const week = 10080;
  for (let i = 0; i < week / a.period; i++) {
    for (let j = 0; j < week / b.period; j++) {
      const as = a.start + i * a.period;
      const bs = b.start + j * b.period;
      for (const shift of [-week, 0, week]) {
        if (as < bs + shift + windowMinutes(b) && bs + shift < as + windowMinutes(a)) return true;
      }
    }
  }
  return false;
}

/** Hour and minute of a daily EventBridge Scheduler cron expression (cron(M H * * ? *)). */
export function parseDailyCron(expression: string): { hour: number; minute: number } | undefined {
  const m = DAILY_CRON.exec(expression);
  if (!m) return undefined;
  const hour = Number(m[2]);
  const minute = Number(m[1]);
  return hour < 24 && minute < 60 ? { hour, minute } : undefined;
}

/** Offset of `timeZone` from UTC at instant `utcMs`, in milliseconds (Europe/Berlin in summer: +2 h). */
const formats = new Map<string, Intl.DateTimeFormat>();

function offsetMs(timeZone: string, utcMs: number): number {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  return local - Math.floor(utcMs / MINUTE) * MINUTE;
}

/** The UTC instant of a local wall-clock time (the later offset wins in the repeated hour). */
export function localToUtc(timeZone: string, year: number, month: number, day: number, hour: number, minute: number): number {
  const guess = Date.UTC(year, month, day, hour, minute);
  let utc = guess - offsetMs(timeZone, guess);
  utc = guess - offsetMs(timeZone, utc);
  return utc;
}

/** Whether a job running [startMs, startMs + minutes) touches any occurrence of the window. */
function touches(startMs: number, minutes: number, w: Window): boolean {
  const periodMs = w.period * MINUTE;
  // Periods are anchored at Sunday 00:00 UTC (1970-01-04 was a Sunday).
  const anchor = Date.UTC(1970, 0, 4);
  const k = Math.floor((startMs - anchor) / periodMs);
  for (const n of [k - 1, k, k + 1]) {
    const ws = anchor + n * periodMs + w.start * MINUTE;
    const we = anchor + n * periodMs + w.end * MINUTE;
    if (startMs < we && ws < startMs + minutes * MINUTE) return true;
  }
  return false;
}

export interface ScheduleConflict {
  /** Local date of the run (YYYY-MM-DD). */
  readonly date: string;
  /** Start of the run in UTC (ISO 8601). */
  readonly startUtc: string;
  readonly window: string;
}

/**
 * Every day of `years` on which a daily job at `hour:minute` local time in `timeZone`, running up
 * to `runtimeMinutes`, would touch one of the windows: empty when the schedule is clear all year,
 * across both daylight-saving offsets.
 */
export function scheduleConflicts(
  schedule: { readonly hour: number; readonly minute: number; readonly timeZone: string; readonly runtimeMinutes: number },
  windows: Readonly<Record<string, Window>>,
  years: readonly number[],
): ScheduleConflict[] {
  const out: ScheduleConflict[] = [];
  for (const year of years) {
    for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += DAY) {
      const d = new Date(t);
      const start = localToUtc(schedule.timeZone, d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), schedule.hour, schedule.minute);
      for (const [name, w] of Object.entries(windows)) {
        if (touches(start, schedule.runtimeMinutes, w)) {
          out.push({ date: d.toISOString().slice(0, 10), startUtc: new Date(start).toISOString(), window: name });
        }
      }
    }
  }
  return out;
}
