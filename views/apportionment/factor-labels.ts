/**
 * A label per factor from its marker species (the factor analysis's last step, after the solver and
 * the bootstrap).
 */

/**
 * Marker species and what they indicate, from the source-apportionment literature (e.g. the
 * Chinese PM2.5 source-profile database and Hopke's PMF reviews), in order of precedence: a
 * factor is labelled by the first marker of which it holds at least half the modelled total.
 */
const MARKERS: readonly { species: string; label: string; zh: string }[] = [
  { species: 'o3', label: 'photochemical (secondary ozone)', zh: '光化学二次生成' },
  { species: 'so2', label: 'coal combustion and industry', zh: '燃煤与工业' },
  { species: 'coarse', label: 'dust (soil, road and construction)', zh: '扬尘' },
  { species: 'no2', label: 'traffic (vehicle exhaust)', zh: '机动车' },
  { species: 'nh4', label: 'secondary inorganic aerosol', zh: '二次无机气溶胶' },
  { species: 'so4', label: 'secondary sulfate', zh: '二次硫酸盐' },
  { species: 'no3', label: 'secondary nitrate', zh: '二次硝酸盐' },
  { species: 'k', label: 'biomass burning', zh: '生物质燃烧' },
  { species: 'ec', label: 'traffic (diesel, elemental carbon)', zh: '机动车（柴油）' },
  { species: 'ca', label: 'dust (construction)', zh: '扬尘（建筑）' },
  { species: 'si', label: 'dust (crustal)', zh: '扬尘（地壳）' },
  { species: 'al', label: 'dust (crustal)', zh: '扬尘（地壳）' },
  { species: 'ti', label: 'dust (crustal)', zh: '扬尘（地壳）' },
  { species: 'v', label: 'shipping (heavy fuel oil)', zh: '船舶（重油）' },
  { species: 'ni', label: 'shipping (heavy fuel oil)', zh: '船舶（重油）' },
  { species: 'zn', label: 'industry (metallurgy, waste incineration)', zh: '工业（冶金、垃圾焚烧）' },
  { species: 'pb', label: 'industry (metallurgy, coal)', zh: '工业（冶金、燃煤）' },
  { species: 'cl', label: 'coal combustion', zh: '燃煤' },
  { species: 'na', label: 'sea salt', zh: '海盐' },
];
const PRIMARY_GASES = ['so2', 'no2', 'co'];

export interface FactorLabel {
  label: string;
  zh: string;
  reason: string;
}

/** A heuristic label per factor, with the shares that decided it. */
export function labelFactors(species: readonly string[], f: Float64Array, p: number): FactorLabel[] {
  const m = species.length;
  const share = (k: number, j: number): number => {
    let total = 0;
    for (let l = 0; l < p; l++) total += f[l * m + j]!;
    return total > 0 ? f[k * m + j]! / total : 0;
  };
  const pct = (v: number) => `${Math.round(v * 100)} %`;
  return Array.from({ length: p }, (_, k) => {
    let best: { marker: (typeof MARKERS)[number]; s: number } | undefined;
    for (const marker of MARKERS) {
      const j = species.indexOf(marker.species);
      if (j < 0) continue;
      const s = share(k, j);
      if (s >= 0.5) {
        best = { marker, s };
        break;
      }
    }
    if (best)
      return {
        label: best.marker.label,
        zh: best.marker.zh,
        reason: `${best.marker.species}: ${pct(best.s)} of its modelled total is in this factor`,
      };
    const pm = species.indexOf('pm25');
    const gases = PRIMARY_GASES.map((g) => ({ g, j: species.indexOf(g) })).filter((x) => x.j >= 0);
    if (pm >= 0 && share(k, pm) >= 0.3 && gases.every((x) => share(k, x.j) < 0.2)) {
      return {
        label: 'secondary aerosol',
        zh: '二次气溶胶',
        reason: `pm25: ${pct(share(k, pm))} of its modelled total, with little of the primary gases (${gases.map((x) => `${x.g} ${pct(share(k, x.j))}`).join(', ')})`,
      };
    }
    const top = species.map((sp, j) => ({ sp, s: share(k, j) })).sort((a, b) => b.s - a.s)[0];
    return {
      label: 'mixed / unresolved',
      zh: '混合源',
      reason: top ? `no marker species dominates; largest share ${top.sp} ${pct(top.s)}` : 'empty factor',
    };
  });
}
