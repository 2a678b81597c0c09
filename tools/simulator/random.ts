/**
 * Counter-based randomness: every draw is a pure function of (seed, keys), so any station-hour
 * can be generated on its own, in any order, and twice identically — no state to replay.
 */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function hash(seed: number, ...keys: number[]): number {
  let h = mix(seed ^ 0x9e3779b9);
  for (const k of keys) h = mix(h ^ Math.imul(k | 0, 0x27d4eb2d) ^ ((k / 4294967296) | 0));
  return h;
}

/** Uniform in [0, 1). */
export const uniform = (seed: number, ...keys: number[]): number => hash(seed, ...keys) / 4294967296;

/** Standard normal (Box–Muller on two counter draws). */
export function gaussian(seed: number, ...keys: number[]): number {
  const u1 = Math.max(uniform(seed, ...keys, 1), 1e-12);
  const u2 = uniform(seed, ...keys, 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A stable small integer for a string key (station code, province id). */
export function keyOf(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
