import { useI18n } from '../lib/i18n';

/** A JSON value (progress details, a derivation) as nested definition lists and tables. */
export function JsonView({ value }: { value: unknown }) {
  const i18n = useI18n();
  if (value === null || value === undefined) return <span>–</span>;
  if (typeof value === 'string') {
    return /^-?\d+(\.\d+)?$/.test(value) ? <span>{i18n.number(value, 4)}</span> : <span>{value}</span>;
  }
  if (typeof value === 'number') return <span>{i18n.number(value, 4)}</span>;
  if (typeof value === 'boolean') return <span>{value ? i18n.t('yes') : i18n.t('no')}</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span>{i18n.t('none')}</span>;
    const rows = value as unknown[];
    if (rows.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
      const columns = [...new Set(rows.flatMap((r) => Object.keys(r as object)))];
      return (
        <div className="wz-scroll" tabIndex={0} role="region" aria-label={columns.join(', ')}>
          <table className="utrecht-table utrecht-table--html-table wz-table wz-small">
            <thead className="utrecht-table__header">
              <tr className="utrecht-table__row">
                {columns.map((c) => (
                  <th key={c} scope="col" className="utrecht-table__header-cell">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="utrecht-table__body">
              {rows.map((r, i) => (
                <tr key={i} className="utrecht-table__row">
                  {columns.map((c) => (
                    <td key={c} className="utrecht-table__cell">
                      <JsonView value={(r as Record<string, unknown>)[c]} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    }
    return <span>{rows.map((r) => (typeof r === 'object' ? JSON.stringify(r) : String(r))).join(' – ')}</span>;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return (
    <dl className="wz-dl">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            <JsonView value={v} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
