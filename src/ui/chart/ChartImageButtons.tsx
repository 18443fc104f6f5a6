// "SVG" and "PNG" buttons of one chart: the chart as a file, named for what it shows.
import { useState, type RefObject } from 'react';
import { X_AXIS_LABELS } from '../../series/axes';
import { useViewStore } from '../../store/viewStore';
import { downloadBlob } from '../download';
import { chartFileName, serializeChartSvg, svgToPng } from './exportImage';

interface Props {
  title: string;
  /** The element holding the chart's recharts SVG. */
  boxRef: RefObject<HTMLElement | null>;
}

export function ChartImageButtons({ title, boxRef }: Props) {
  const [error, setError] = useState<string | null>(null);

  const save = async (ext: 'svg' | 'png') => {
    setError(null);
    const svg = boxRef.current?.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!svg) {
      setError('Nothing to save yet: the chart has not been drawn.');
      return;
    }
    const { xAxis, smoothing, zoom } = useViewStore.getState();
    const background = getComputedStyle(boxRef.current as Element).getPropertyValue('--panel').trim() || '#ffffff';
    const name = chartFileName(title, xAxis, { smoothing, zoomed: zoom !== null, ext });
    try {
      const doc = serializeChartSvg(svg, { title: `${title} vs ${X_AXIS_LABELS[xAxis].toLowerCase()}`, background });
      const blob = ext === 'svg' ? new Blob([doc.text], { type: 'image/svg+xml' }) : await svgToPng(doc.text, doc.width, doc.height);
      downloadBlob(blob, name);
    } catch (e) {
      setError(`Could not save ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <span className="chart-image-buttons">
      <button type="button" className="small" aria-label={`Download ${title} chart as SVG`} onClick={() => void save('svg')}>
        SVG
      </button>
      <button type="button" className="small" aria-label={`Download ${title} chart as PNG`} onClick={() => void save('png')}>
        PNG
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
