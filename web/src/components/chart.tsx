import { useEffect, useRef } from 'react';
import { AreaSeries, BaselineSeries, ColorType, createChart, LineStyle, type IChartApi, type Time } from 'lightweight-charts';

export interface ChartPoint {
  /** YYYY-MM-DD (a trading day) or epoch seconds. */
  time: string | number;
  value: number;
}

/** -₹2,000 rather than ₹-2,000; and never "₹-0". */
function axisRupees(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  const text = Math.abs(rounded).toLocaleString('en-IN', { maximumFractionDigits: 2 });
  return rounded < 0 ? `-₹${text}` : `₹${text}`;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/**
 * One financial time series (lightweight-charts on a canvas). `kind` "equity" is an area; "drawdown" a baseline
 * at zero drawn below it. Values are rupees (the caller converts paise). Colours follow the theme.
 */
export default function TimeSeriesChart({ points, kind, theme, height = 220, label }: { points: ChartPoint[]; kind: 'equity' | 'drawdown'; theme: string; height?: number; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi | null>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const text = cssVar('--text-muted');
    const grid = cssVar('--grid');
    const chart = createChart(element, {
      autoSize: true,
      height,
      layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: text, attributionLogo: false },
      grid: { vertLines: { color: grid }, horzLines: { color: grid } },
      rightPriceScale: { borderVisible: false },
      timeScale: { borderVisible: false },
      localization: { priceFormatter: axisRupees },
      crosshair: { horzLine: { style: LineStyle.Dotted }, vertLine: { style: LineStyle.Dotted } },
    });
    chartRef.current = chart;
    const data = points.map((p) => ({ time: p.time as Time, value: p.value }));
    if (kind === 'equity') {
      const accent = cssVar('--accent');
      const series = chart.addSeries(AreaSeries, { lineColor: accent, topColor: `${accent}55`, bottomColor: `${accent}05`, lineWidth: 2 });
      series.setData(data);
    } else {
      const loss = cssVar('--loss');
      const series = chart.addSeries(BaselineSeries, {
        baseValue: { type: 'price', price: 0 },
        bottomLineColor: loss,
        bottomFillColor1: `${loss}10`,
        bottomFillColor2: `${loss}55`,
        topLineColor: loss,
        lineWidth: 2,
      });
      series.setData(data);
    }
    // Half a bar of room on the left so that the first date label is not cut in half.
    chart.timeScale().setVisibleLogicalRange({ from: -1, to: data.length - 0.5 });
    return () => {
      chart.remove();
      chartRef.current = null;
    };
  }, [points, kind, theme, height]);

  return <div className="chart" ref={container} style={{ height }} role="img" aria-label={label} />;
}
