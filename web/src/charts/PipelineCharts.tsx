import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useI18n } from '../lib/i18n';

const palette = ['#0b5394', '#2f7d1f', '#a04f00', '#7b1fa2', '#b3261e', '#0b6e4f', '#5c6670', '#1b1b1b'];

/** Units per phase, stacked by housing type. */
export function PhaseChart({ rows, series, label }: { rows: Record<string, string | number>[]; series: string[]; label: string }) {
  const i18n = useI18n();
  return (
    <div role="img" aria-label={`${label}. ${i18n.t('chartAsTable')}`} className="wz-chart">
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={rows} margin={{ left: 8, right: 24, top: 8, bottom: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="phase" />
          <YAxis tickFormatter={(v: number) => i18n.number(v, 0)} />
          <Tooltip formatter={(v) => i18n.number(Number(v))} />
          <Legend />
          {series.map((s, i) => (
            <Bar key={s} dataKey={s} stackId="units" fill={palette[i % palette.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Expected completions per year, with the phase-weighted units beside them. */
export function CompletionsChart({ rows, label }: { rows: { year: number; units: number; weighted: number }[]; label: string }) {
  const i18n = useI18n();
  return (
    <div role="img" aria-label={`${label}. ${i18n.t('chartAsTable')}`} className="wz-chart">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={rows} margin={{ left: 8, right: 24, top: 8, bottom: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="year" />
          <YAxis tickFormatter={(v: number) => i18n.number(v, 0)} />
          <Tooltip formatter={(v) => i18n.number(Number(v))} />
          <Legend />
          <Bar dataKey="units" name={i18n.t('units')} fill="#0b5394" isAnimationActive={false} />
          <Bar dataKey="weighted" name={i18n.t('weightedUnits')} fill="#a04f00" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export default { PhaseChart, CompletionsChart };
