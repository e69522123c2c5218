import { MissingPrice } from "../price-table";

/**
 * How many times a month an EventBridge Scheduler expression fires: rate(N unit), cron(...) with
 * literal minutes/hours and `*` or `?` days (or a day-of-week list), at(...) once (0 a month).
 */
export function runsPerMonth(expression: string, hoursPerMonth: number): number {
  const days = hoursPerMonth / 24;
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const perDay = rate[2].startsWith("minute") ? 1440 / n : rate[2].startsWith("hour") ? 24 / n : 1 / n;
    return perDay * days;
  }
  if (/^at\(/.test(expression)) return 0;
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+)(?: (\S+))?\)$/.exec(expression);
  if (!cron) throw new MissingPrice(`cannot read schedule ${expression}`);
  const [, minute, hour, dom, , dow] = cron;
  const count = (field: string, all: number): number => {
    if (field === "*" || field === "?") return all;
    const step = /^(?:\*|\d+)\/(\d+)$/.exec(field);
    if (step) return Math.ceil(all / Number(step[1]));
    return field.split(",").reduce((n, part) => {
      const span = /^(\w+)-(\w+)$/.exec(part);
      return n + (span ? ordinal(span[2]) - ordinal(span[1]) + 1 : 1);
    }, 0);
  };
  const perDay = count(minute, 60) * count(hour, 24);
  let daysPerMonth = days;
  if (dom !== "*" && dom !== "?") daysPerMonth = count(dom, days);
  else if (dow !== "*" && dow !== "?") daysPerMonth = (count(dow, 7) / 7) * days;
  return perDay * daysPerMonth;
}

const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** A cron field value as a number: 1-31, or a weekday name (SUN = 0 ... SAT = 6). */
function ordinal(value: string): number {
  const day = WEEKDAYS.indexOf(value.toUpperCase());
  return day >= 0 ? day : Number(value);
}
