/**
 * Inline SVG charts for the HTML report: no script, no external file, so the
 * page is one self-contained document that any browser renders.
 */

export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Colour-blind-safe categorical palette (Okabe–Ito).
const PALETTE = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#F0E442",
  "#000000",
];

export interface Series {
  readonly name: string;
  readonly values: ReadonlyArray<number | undefined>;
}

/** Grouped vertical bars: one group per category, one bar per series, values on a 0…max axis. */
export const barChart = (
  title: string,
  categories: ReadonlyArray<string>,
  series: ReadonlyArray<Series>,
  yLabel: string,
): string => {
  const bar = series.length === 1 ? 22 : series.length > 6 ? 7 : 14;
  const group = series.length * bar + 14;
  const left = 48, top = 36, plotH = 220, bottom = 110;
  const width = Math.max(360, left + categories.length * group + 20);
  const legendRows = Math.ceil(series.length / 3);
  const height = top + plotH + bottom + legendRows * 18;
  const all = series.flatMap((s) =>
    s.values.filter((v): v is number => v !== undefined)
  );
  const top10 = Math.max(10, ...all);
  const tick = top10 <= 50 ? 10 : 20;
  const max = Math.ceil(top10 / tick) * tick;
  const y = (v: number) => top + plotH - (plotH * Math.max(0, v)) / max;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${
      escapeXml(title)
    }" font-family="sans-serif" font-size="11">`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">${
      escapeXml(title)
    }</text>`,
    `<text transform="translate(12 ${
      top + plotH / 2
    }) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  ];
  for (let t = 0; t <= max; t += tick) {
    out.push(
      `<line x1="${left}" x2="${width - 10}" y1="${y(t)}" y2="${
        y(t)
      }" stroke="#ddd"/>`,
      `<text x="${left - 4}" y="${y(t) + 4}" text-anchor="end">${t}</text>`,
    );
  }
  categories.forEach((c, ci) => {
    const x0 = left + ci * group + 7;
    series.forEach((s, si) => {
      const v = s.values[ci];
      if (v === undefined) return;
      out.push(
        `<rect x="${x0 + si * bar}" y="${y(v)}" width="${bar - 1}" height="${
          top + plotH - y(v)
        }" fill="${PALETTE[si % PALETTE.length]}"><title>${
          escapeXml(`${s.name} — ${c}: ${v.toFixed(2)}`)
        }</title></rect>`,
      );
    });
    const cx = x0 + (series.length * bar) / 2;
    out.push(
      `<text transform="translate(${cx} ${
        top + plotH + 8
      }) rotate(45)" text-anchor="start">${escapeXml(c)}</text>`,
    );
  });
  series.forEach((s, si) => {
    const lx = left + (si % 3) * 260,
      ly = top + plotH + bottom + Math.floor(si / 3) * 18;
    out.push(
      `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${
        PALETTE[si % PALETTE.length]
      }"/>`,
      `<text x="${lx + 14}" y="${ly}">${escapeXml(s.name)}</text>`,
    );
  });
  out.push("</svg>");
  return out.join("\n");
};

/** Interpolates a light-to-dark blue ramp at t ∈ [0, 1]. */
const ramp = (t: number) => {
  const a = [247, 251, 255], b = [8, 48, 107];
  const c = a.map((v, i) => Math.round(v + (b[i] - v) * t));
  return `rgb(${c.join(",")})`;
};

/**
 * Rows × columns of scores, each cell shaded by where it falls between its
 * column's lowest and highest score
 * (tasks have different scales), with the value printed in it.
 */
export const heatMap = (
  title: string,
  rows: ReadonlyArray<string>,
  cols: ReadonlyArray<string>,
  values: ReadonlyArray<ReadonlyArray<number | undefined>>,
): string => {
  const cellW = 52, cellH = 20;
  const labelW = Math.min(
    420,
    12 + 6.5 * Math.max(...rows.map((r) => r.length), 4),
  );
  const top = 110;
  const width = labelW + cols.length * cellW + 10;
  const height = top + rows.length * cellH + 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${
      escapeXml(title)
    }" font-family="sans-serif" font-size="10">`,
    `<text x="4" y="16" font-size="14" font-weight="bold">${
      escapeXml(title)
    }</text>`,
  ];
  cols.forEach((c, ci) => {
    out.push(
      `<text transform="translate(${labelW + ci * cellW + cellW / 2} ${
        top - 6
      }) rotate(-45)">${escapeXml(c)}</text>`,
    );
    const col = values.map((r) => r[ci]).filter((v): v is number =>
      v !== undefined
    );
    const lo = Math.min(...col), hi = Math.max(...col);
    rows.forEach((_, ri) => {
      const v = values[ri][ci];
      if (v === undefined) return;
      const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      const x = labelW + ci * cellW, yy = top + ri * cellH;
      out.push(
        `<rect x="${x}" y="${yy}" width="${cellW - 1}" height="${
          cellH - 1
        }" fill="${ramp(0.1 + 0.8 * t)}"/>`,
        `<text x="${x + cellW / 2}" y="${yy + 13}" text-anchor="middle" fill="${
          t > 0.55 ? "#fff" : "#000"
        }">${v.toFixed(1)}</text>`,
      );
    });
  });
  rows.forEach((r, ri) => {
    out.push(
      `<text x="${labelW - 6}" y="${top + ri * cellH + 13}" text-anchor="end">${
        escapeXml(r)
      }</text>`,
    );
  });
  out.push("</svg>");
  return out.join("\n");
};
