// The CBS 2025 municipality boundaries (TopoJSON), fetched once. Kept out of the map's chunk so
// the router can start the download together with a dashboard's first request.
import boundariesUrl from '../../../data/geo/gemeente_2025.topojson?url';

let download: Promise<unknown> | null = null;

export function fetchBoundaries(): Promise<unknown> {
  download ??= fetch(boundariesUrl)
    .then((response) => {
      if (!response.ok) throw new Error(`boundaries: HTTP ${response.status}`);
      return response.json() as Promise<unknown>;
    })
    .catch((error: unknown) => {
      download = null;
      throw error;
    });
  return download;
}
