import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import { useI18n } from '../lib/i18n';

export interface SeriesPoint {
  /** Milliseconds since the epoch (end of the period). */
  at: number;
  realised?: number;
  expected?: number;
  pipeline?: number;
}

/** Realisation over time with the target line, the expected path and the pipeline forecast. */
export default function TimeSeriesChart({ points, target, label }: { points: SeriesPoint[]; target: number | null; label: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const year = (ms: number) => new Date(ms).getUTCFullYear().toString();
  return (
    <div role="img" aria-label={`${label}. ${t('chartAsTable')}`} className="wz-chart">
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={points} margin={{ left: 8, right: 24, top: 8, bottom: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="at" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={year} />
          <YAxis tickFormatter={(v: number) => i18n.number(v, 0)} />
          <Tooltip labelFormatter={(v) => i18n.date(new Date(Number(v)).toISOString())} formatter={(v) => i18n.number(Number(v))} />
          <Legend />
          {target !== null && <ReferenceLine y={target} stroke="#b3261e" strokeDasharray="6 3" label={t('targetLine')} />}
          <Line dataKey="expected" name={t('expectedPath')} stroke="#5c6670" strokeDasharray="4 4" dot={false} connectNulls isAnimationActive={false} />
          <Line dataKey="realised" name={t('cumulative')} stroke="#0b5394" strokeWidth={2} connectNulls isAnimationActive={false} />
          <Scatter dataKey="pipeline" name={t('forecastPipeline')} fill="#a04f00" isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
