import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';
import type { DeliveryStats } from '../api/client';

const SERIES = [
  { key: 'delivered', label: 'Delivered', stroke: '#1f8a4c', fill: 'rgba(31,138,76,0.15)' },
  { key: 'failed', label: 'Failed', stroke: '#c0392b', fill: 'rgba(192,57,43,0.12)' },
  { key: 'retrying', label: 'Retrying', stroke: '#b7791f', fill: 'rgba(183,121,31,0.12)' },
] as const;

/** Deliveries per bucket by outcome (uPlot, about 50 KB): one line per outcome, sized to its box. */
export function DeliveriesChart({ stats, label }: { stats: DeliveryStats; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const xs = stats.buckets.map((bucket) => Date.parse(bucket.start) / 1000);
    const data: uPlot.AlignedData = [xs, ...SERIES.map((series) => stats.buckets.map((bucket) => bucket[series.key]))];
    const width = () => Math.max(280, element.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 240,
        series: [{}, ...SERIES.map((series) => ({ label: series.label, stroke: series.stroke, fill: series.fill, width: 2 }))],
        axes: [{}, { label: 'deliveries', size: 60 }],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      },
      data,
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 240 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [stats]);
  return <div class="chart" ref={box} role="img" aria-label={label} />;
}
