/**
 * Shapes of the PM2.5 cycles, taken from the real nine-year hourly series of one Shanghai monitor
 * (shared/data/us_consulate_shanghai, 2013–2021): the mean of valid `Raw Conc.` values
 * (QC Name = Valid, value ≥ 0) per calendar month and per hour, divided by the overall mean
 * (42.1 µg/m³). That publisher labels an hour by its START, so its hour h is our hour-ending
 * label h + 1 (mod 24). Computed once with a short script; the numbers are kept here.
 */
export const MONTH_FACTOR: readonly number[] = [
  1.558, 1.188, 1.158, 1.104, 1.01, 0.796, 0.693, 0.603, 0.62, 0.668, 1.081, 1.525,
];

/** Indexed by hour-ending label 0–23 (0 = the hour ending at midnight). */
export const HOUR_FACTOR: readonly number[] = [
  0.997, 0.985, 0.962, 0.975, 0.976, 0.975, 0.975, 0.981, 1.002, 1.029, 1.049, 1.042, 1.028, 1.012, 1.008, 0.996, 0.979,
  0.967, 0.972, 0.99, 1.014, 1.037, 1.034, 1.015,
];

/**
 * Traffic's daily cycle (NO2, CO, the local increment): morning and evening rush hours, low at
 * night. A documented synthetic shape, not fitted to data.
 */
export const TRAFFIC_FACTOR: readonly number[] = [
  0.8, 0.7, 0.6, 0.55, 0.55, 0.6, 0.8, 1.1, 1.35, 1.3, 1.1, 1.0, 0.95, 0.95, 1.0, 1.05, 1.15, 1.3, 1.4, 1.35, 1.2, 1.05,
  0.95, 0.85,
];

/**
 * Photochemical ozone potential by month (late spring to early autumn highest in the YRD) —
 * a documented synthetic shape.
 */
export const OZONE_MONTH: readonly number[] = [0.35, 0.45, 0.6, 0.8, 1.0, 1.0, 0.9, 0.9, 0.95, 0.75, 0.5, 0.35];
