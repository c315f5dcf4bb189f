import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { geoMercator, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { fetchBoundaries } from '../lib/boundaries';
import { useI18n } from '../lib/i18n';
import { statusColours } from './status';

type Props = { statcode: string; statnaam: string };
type Municipality = Feature<Geometry, Props>;

let boundaries: Promise<Municipality[]> | null = null;

/** The CBS 2025 boundaries, fetched once (started as soon as a page with a map loads). */
export function loadBoundaries(): Promise<Municipality[]> {
  boundaries ??= fetchBoundaries()
    .then((data) => {
      const topology = data as Topology<{ gemeente_2025: GeometryCollection<Props> }>;
      return (feature(topology, topology.objects.gemeente_2025) as FeatureCollection<Geometry, Props>).features;
    })
    .catch((error: unknown) => {
      boundaries = null;
      throw error;
    });
  return boundaries;
}

export interface MapValue {
  status: string | null;
  label: string;
}

const WIDTH = 560;
const HEIGHT = 440;

/** A choropleth of municipalities coloured by status; each area links to its municipality page. */
export function MemberMap({ values, title }: { values: Map<string, MapValue>; title: string }) {
  const { t, tx } = useI18n();
  const [features, setFeatures] = useState<Municipality[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadBoundaries().then(
      (f) => live && setFeatures(f),
      (e: unknown) => live && setError(String(e)),
    );
    return () => {
      live = false;
    };
  }, []);
  const drawn = useMemo(() => {
    if (!features) return null;
    const members = features.filter((f) => values.has(f.properties.statcode));
    if (!members.length) return { members: [], context: [], path: null };
    const collection: FeatureCollection<Geometry, Props> = { type: 'FeatureCollection', features: members };
    const projection = geoMercator().fitExtent(
      [
        [8, 8],
        [WIDTH - 8, HEIGHT - 8],
      ],
      collection,
    );
    const path = geoPath(projection);
    // Neighbours in view, drawn faintly for orientation.
    const [[x0, y0], [x1, y1]] = path.bounds(collection);
    const context = features.filter((f) => {
      if (values.has(f.properties.statcode)) return false;
      const [[a, b], [c, d]] = path.bounds(f);
      return c >= x0 && a <= x1 && d >= y0 && b <= y1;
    });
    return { members, context, path };
  }, [features, values]);
  const used = new Set([...values.values()].map((v) => v.status ?? 'NONE'));
  return (
    <figure className="wz-map">
      {error && <p role="alert">{error}</p>}
      {!drawn && !error && <p role="status">{t('loading')}</p>}
      {drawn?.path && (
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="group" aria-label={title} className="wz-map__svg">
          <g aria-hidden="true">
            {drawn.context.map((f) => (
              <path key={f.properties.statcode} d={drawn.path!(f) ?? ''} fill="#eef0f2" stroke="#b9c0c7" strokeWidth={0.5} />
            ))}
          </g>
          {drawn.members.map((f) => {
            const value = values.get(f.properties.statcode)!;
            const fill = value.status ? (statusColours[value.status] ?? '#5c6670') : '#ffffff';
            const label = `${f.properties.statnaam}: ${value.label}`;
            return (
              <Link key={f.properties.statcode} to={`/gemeente/${f.properties.statcode}`} aria-label={label}>
                <path d={drawn.path!(f) ?? ''} fill={fill} stroke="#1b1b1b" strokeWidth={0.8} className="wz-map__area">
                  <title>{label}</title>
                </path>
              </Link>
            );
          })}
        </svg>
      )}
      <figcaption>
        <ul className="wz-legend" aria-label={title}>
          {Object.keys(statusColours)
            .filter((s) => used.has(s))
            .map((s) => (
              <li key={s}>
                <span className="wz-legend__swatch" style={{ background: statusColours[s] }} aria-hidden="true" /> {tx(`status${s}`)}
              </li>
            ))}
          {used.has('NONE') && (
            <li>
              <span className="wz-legend__swatch wz-legend__swatch--none" aria-hidden="true" /> {t('mapNoTarget')}
            </li>
          )}
        </ul>
        <span className="wz-muted wz-small">{t('mapSource')}</span>
      </figcaption>
    </figure>
  );
}
