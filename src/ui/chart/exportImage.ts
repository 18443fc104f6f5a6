// A chart as a standalone SVG or PNG file. The on-page SVG takes its colours from CSS (theme variables,
// classes), which a file opened on its own does not have: the clone gets every element's COMPUTED paint
// and text style inlined, a background rect in the theme's panel colour, and a title. PNG: the same SVG
// text loaded as an image and drawn on a canvas (no library needed).

/** Properties that decide how an SVG element looks; CSS variables are resolved by getComputedStyle. */
const STYLE_PROPS = [
  'fill', 'fill-opacity', 'stroke', 'stroke-opacity', 'stroke-width', 'stroke-dasharray', 'opacity',
  'font-family', 'font-size', 'font-weight', 'text-anchor', 'dominant-baseline', 'visibility', 'display',
] as const;

/** File name for a chart image: what it shows, against what, and how it was smoothed, e.g. "loss-vs-epoch-smoothing-0.6.png". */
export function chartFileName(chart: string, xAxis: string, opts: { smoothing: number; zoomed: boolean; ext: 'svg' | 'png' }): string {
  // camelCase keys read as words: 'gradEvals' → 'grad-evals'.
  const slug = (s: string) => s.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '');
  const parts = [slug(chart), 'vs', slug(xAxis)];
  if (opts.smoothing > 0) parts.push('smoothing', String(opts.smoothing));
  if (opts.zoomed) parts.push('zoomed');
  return `${parts.join('-')}.${opts.ext}`;
}

/** The chart's SVG as a standalone document with inlined computed styles. */
export function serializeChartSvg(svg: SVGSVGElement, opts: { title: string; background: string }): { text: string; width: number; height: number } {
  const rect = svg.getBoundingClientRect();
  const width = Math.round(Number(svg.getAttribute('width')) || rect.width);
  const height = Math.round(Number(svg.getAttribute('height')) || rect.height);
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const copies = [clone, ...Array.from(clone.querySelectorAll('*'))];
  originals.forEach((el, i) => {
    const copy = copies[i] as SVGElement;
    const cs = getComputedStyle(el);
    // As presentation attributes (each property is one), not a style="" attribute: the page's CSP
    // refuses inline style attributes, and a file opened on its own reads both the same way.
    copy.removeAttribute('style');
    for (const p of STYLE_PROPS) copy.setAttribute(p, cs.getPropertyValue(p));
    copy.removeAttribute('class');
  });
  // Interaction-only pieces mean nothing in a file.
  clone.querySelectorAll('.crosshair-overlay').forEach((n) => n.remove());
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const ns = 'http://www.w3.org/2000/svg';
  const title = document.createElementNS(ns, 'title');
  title.textContent = opts.title;
  const bg = document.createElementNS(ns, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', opts.background);
  clone.insertBefore(bg, clone.firstChild);
  clone.insertBefore(title, clone.firstChild);
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
  return { text, width, height };
}

/** PNG of an SVG document at `scale` × its size (2: sharp on high-density screens and in slides). */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.width = width;
    img.height = height;
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart image could not be drawn'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gives no 2D canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be encoded'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

