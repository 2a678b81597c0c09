import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  CST_OFFSET_MS,
  cstDayNumberOf,
  cstDayOf,
  cstDaysRange,
  cstMidnightMs,
  cstWallClockMs,
  DAY_MS,
  dayNumber,
  floorHour,
  HOUR_MS,
  hourEndingDayOf,
  hourEndingDaysRange,
  hourLabelOf,
  hoursIn,
  timeMs,
  toCstIso,
} from './time';

/** Instants written in UTC, so that no expected value below goes through the code under test. */
const utc = (iso: string): number => Date.parse(`${iso}Z`);

describe('time units', () => {
  it('are what they say', () => {
    expect(HOUR_MS).toBe(3_600_000);
    expect(DAY_MS).toBe(86_400_000);
    expect(CST_OFFSET_MS).toBe(28_800_000);
  });
});

describe('CST days of instants', () => {
  it.each([
    // [instant (UTC), CST wall clock, calendar day, natural day of the hour ending then, label]
    ['2025-01-31T16:00:00', '2025-02-01 00:00', '2025-02-01', '2025-01-31', 24],
    ['2025-01-31T17:00:00', '2025-02-01 01:00', '2025-02-01', '2025-02-01', 1],
    ['2025-02-01T00:00:00', '2025-02-01 08:00', '2025-02-01', '2025-02-01', 8],
    ['2025-02-01T15:00:00', '2025-02-01 23:00', '2025-02-01', '2025-02-01', 23],
    ['2025-02-01T16:00:00', '2025-02-02 00:00', '2025-02-02', '2025-02-01', 24],
    ['2024-12-31T16:00:00', '2025-01-01 00:00', '2025-01-01', '2024-12-31', 24],
    ['2024-02-29T16:00:00', '2024-03-01 00:00', '2024-03-01', '2024-02-29', 24],
    ['2024-02-28T17:00:00', '2024-02-29 01:00', '2024-02-29', '2024-02-29', 1],
  ])('%s (%s CST) falls on %s and is the value of %s, label %i', (iso, _cst, day, hourEndingDay, label) => {
    expect(cstDayOf(utc(iso))).toBe(day);
    expect(hourEndingDayOf(utc(iso))).toBe(hourEndingDay);
    expect(hourLabelOf(utc(iso))).toBe(label);
  });

  it('changes the calendar day at 00:00 CST, not at 00:00 UTC', () => {
    expect(cstDayOf(utc('2025-02-28T15:59:59.999'))).toBe('2025-02-28');
    expect(cstDayOf(utc('2025-02-28T16:00:00'))).toBe('2025-03-01');
    expect(cstDayOf(0)).toBe('1970-01-01');
    expect(cstDayOf(-CST_OFFSET_MS - 1)).toBe('1969-12-31');
  });

  it('gives every whole hour back from its natural day and label', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_200_000 }), (h) => {
        const t = h * HOUR_MS; // the whole hours of 1970 to about 2106
        const label = hourLabelOf(t);
        expect(label).toBeGreaterThanOrEqual(1);
        expect(label).toBeLessThanOrEqual(24);
        expect(cstMidnightMs(hourEndingDayOf(t)) + label * HOUR_MS).toBe(t);
      }),
    );
  });
});

describe('CST instants of days and clock times', () => {
  it('begins a natural day at its 00:00 CST, 16:00 UTC the day before', () => {
    expect(cstMidnightMs('1970-01-02')).toBe(57_600_000);
    expect(cstMidnightMs('1970-01-01')).toBe(-28_800_000);
    expect(cstMidnightMs('2025-03-01')).toBe(utc('2025-02-28T16:00:00'));
    expect(cstMidnightMs('2025-3-1')).toBeNaN();
  });

  it('reads a CST wall-clock hour, 24:00 being the next 00:00', () => {
    expect(cstWallClockMs(2025, 3, 1, 1)).toBe(utc('2025-02-28T17:00:00'));
    expect(cstWallClockMs(2025, 3, 1, 0)).toBe(utc('2025-02-28T16:00:00'));
    expect(cstWallClockMs(2025, 2, 28, 24)).toBe(utc('2025-02-28T16:00:00'));
    expect(cstWallClockMs(2025, 1, 1, 8)).toBe(utc('2025-01-01T00:00:00'));
  });

  it('writes an instant in CST with its offset, to the second', () => {
    expect(toCstIso(utc('2025-02-28T17:00:00'))).toBe('2025-03-01T01:00:00+08:00');
    expect(toCstIso(utc('2025-02-28T16:00:00'))).toBe('2025-03-01T00:00:00+08:00');
    expect(toCstIso(utc('2025-02-28T17:00:00.750'))).toBe('2025-03-01T01:00:00+08:00');
    expect(toCstIso(0)).toBe('1970-01-01T08:00:00+08:00');
  });

  it('remembers the instant of an ISO text', () => {
    expect(timeMs('2025-03-01T01:00:00+08:00')).toBe(utc('2025-02-28T17:00:00'));
    expect(timeMs('2025-03-01T01:00:00+08:00')).toBe(utc('2025-02-28T17:00:00'));
    expect(timeMs('not a time')).toBeNaN();
  });
});

describe('ranges of days', () => {
  it('takes natural days whole, both included, as [from 00:00, to+1 00:00) CST', () => {
    expect(cstDaysRange('2025-03-01', '2025-03-02')).toEqual({
      fromMs: utc('2025-02-28T16:00:00'),
      toMs: utc('2025-03-02T16:00:00'),
    });
    expect(cstDaysRange('2025-03-01', '2025-03-01')).toEqual({
      fromMs: utc('2025-02-28T16:00:00'),
      toMs: utc('2025-03-01T16:00:00'),
    });
  });

  it("takes the days' hour-ending instants, labels 1 to 24 of each, as [from 01:00, to+1 01:00) CST", () => {
    const range = hourEndingDaysRange('2025-03-01', '2025-03-02');
    expect(range).toEqual({ fromMs: utc('2025-02-28T17:00:00'), toMs: utc('2025-03-02T17:00:00') });
    // Year ends: 1 January 01:00 to the next 1 January 01:00.
    expect(hourEndingDaysRange('2025-01-01', '2025-12-31')).toEqual({
      fromMs: utc('2024-12-31T17:00:00'),
      toMs: utc('2025-12-31T17:00:00'),
    });
    const hours: [string, number][] = [];
    for (let t = range.fromMs; t < range.toMs; t += HOUR_MS) hours.push([hourEndingDayOf(t), hourLabelOf(t)]);
    const labels = Array.from({ length: 24 }, (_, i) => i + 1);
    expect(hours).toEqual([...labels.map((l) => ['2025-03-01', l]), ...labels.map((l) => ['2025-03-02', l])]);
  });

  it('counts the whole hours of a range and finds the first', () => {
    expect(hoursIn({ fromMs: utc('2025-03-01T01:00:00'), toMs: utc('2025-03-01T03:00:00') })).toEqual({
      firstMs: utc('2025-03-01T01:00:00'),
      hours: 2,
    });
    expect(hoursIn({ fromMs: utc('2025-03-01T00:30:00'), toMs: utc('2025-03-01T03:00:00.001') })).toEqual({
      firstMs: utc('2025-03-01T01:00:00'),
      hours: 3,
    });
    expect(hoursIn({ fromMs: utc('2025-03-01T03:00:00'), toMs: utc('2025-03-01T01:00:00') })).toEqual({
      firstMs: utc('2025-03-01T03:00:00'),
      hours: 0,
    });
  });

  it('floors an instant to its hour', () => {
    expect(floorHour(utc('2025-03-01T01:59:59.999'))).toBe(utc('2025-03-01T01:00:00'));
    expect(floorHour(utc('2025-03-01T01:00:00'))).toBe(utc('2025-03-01T01:00:00'));
    expect(floorHour(-1)).toBe(-3_600_000);
  });
});

describe('calendar days', () => {
  it.each([
    ['2025-02-28', 1, '2025-03-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2025-03-30', -30, '2025-02-28'],
    ['2024-01-01', 366, '2025-01-01'],
    ['2025-06-15', 0, '2025-06-15'],
  ])('%s %+i days is %s', (day, n, expected) => {
    expect(addDays(day, n)).toBe(expected);
  });

  it('numbers days from 1970-01-01, in step with the CST day of an instant', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('1970-01-02')).toBe(1);
    // 55 years of 365 days and the 14 leap days of 1972–2024
    expect(dayNumber('2025-01-01')).toBe(20_089);
    expect(dayNumber('2025-12-31') - dayNumber('2025-01-01')).toBe(364);
    expect(cstDayNumberOf(0)).toBe(0);
    expect(cstDayNumberOf(-CST_OFFSET_MS)).toBe(0);
    expect(cstDayNumberOf(-CST_OFFSET_MS - 1)).toBe(-1);
    expect(cstDayNumberOf(utc('2024-12-31T16:00:00'))).toBe(20_089);
    expect(cstDayNumberOf(utc('2024-12-31T15:59:59'))).toBe(20_088);
  });
});
