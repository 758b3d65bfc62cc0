// A list paged, filtered and sorted by the server (Harbor's page, page_size, q, sort and
// X-Total-Count), so a project with 100,000 artifacts costs one small page per view.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Page, Query } from '../api';
import { t } from '../i18n';
import { Empty, ErrorBanner, Pager, Spinner, totalItems } from './components';

export interface Column<T> {
  label: string;
  render: (row: T) => ComponentChildren;
  /** The API's sort key for this column, when it can be sorted on. */
  sort?: string;
  class?: string;
  /** Shown in the header instead of the label (which still names the column for keys). */
  head?: ComponentChildren;
}

/** Rows chosen with their checkboxes, by key, kept across pages until the owner clears them. */
export interface Selection<T> {
  rows: ReadonlyMap<string | number, T>;
  set: (rows: ReadonlyMap<string | number, T>) => void;
}

export function useSelection<T>(): Selection<T> & { clear: () => void; list: T[] } {
  const [rows, set] = useState<ReadonlyMap<string | number, T>>(new Map());
  return { rows, set, clear: () => set(new Map()), list: [...rows.values()] };
}

export interface ListQuery extends Query {
  page: number;
  page_size: number;
  q?: string;
  sort?: string;
}

export function DataTable<T>(props: {
  columns: Column<T>[];
  fetchPage: (query: ListQuery) => Promise<Page<T>>;
  rowKey: (row: T) => string | number;
  /** The q= field matched with "~" by the search box; no search box without it. */
  searchField?: string;
  searchLabel?: string;
  /** Send the search term as the query parameter named searchField (Harbor's own filters such as
   * entityname, name or group_name) instead of as a q= term. */
  searchParam?: boolean;
  /** Extra q= terms, e.g. a fixed filter. */
  baseQ?: string;
  defaultSort?: string;
  empty: ComponentChildren;
  /** Change it to reload. */
  reloadKey?: unknown;
  toolbar?: ComponentChildren;
  pageSize?: number;
  caption: string;
  expand?: (row: T) => ComponentChildren;
  /** Checkboxes on the rows; `selectLabel` names a row for its checkbox. */
  selection?: Selection<T>;
  selectLabel?: (row: T) => string;
  /** Buttons acting on the selected rows, shown while some are selected. */
  bulk?: ComponentChildren;
  /** Told the query of every page it asks for (an export repeats it over all pages). */
  onQuery?: (query: ListQuery) => void;
}) {
  const pageSize = props.pageSize ?? 15;
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [term, setTerm] = useState('');
  const [sort, setSort] = useState(props.defaultSort);
  const [data, setData] = useState<Page<T> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);

  useEffect(() => {
    const next = search.trim();
    // nothing typed since the last search: no timer, which would also send the reader back to page 1
    // (a "Next page" pressed within 250 ms of the list's first showing was undone)
    if (next === term) return;
    const h = setTimeout(() => {
      setTerm(next);
      setPage(1);
    }, 250);
    return () => clearTimeout(h);
  }, [search]);

  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    const query: ListQuery = { page, page_size: pageSize, sort };
    const terms = [props.baseQ];
    if (props.searchField && term) {
      if (props.searchParam) query[props.searchField] = term;
      else terms.push(`${props.searchField}=~${term}`);
    }
    if (terms.some(Boolean)) query.q = terms.filter(Boolean).join(',');
    props.onQuery?.(query);
    props
      .fetchPage(query)
      .then((d) => {
        if (mine !== seq.current) return;
        setData(d);
        setError(null);
      })
      .catch((e) => mine === seq.current && setError(e))
      .finally(() => mine === seq.current && setLoading(false));
  }, [page, term, sort, props.reloadKey, props.baseQ]);

  const sel = props.selection;
  const pageRows = data?.items ?? [];
  const allOnPage = !!sel && pageRows.length > 0 && pageRows.every((r) => sel.rows.has(props.rowKey(r)));
  const toggleRow = (row: T, on: boolean) => {
    const next = new Map(sel!.rows);
    if (on) next.set(props.rowKey(row), row);
    else next.delete(props.rowKey(row));
    sel!.set(next);
  };
  const togglePage = (on: boolean) => {
    const next = new Map(sel!.rows);
    for (const r of pageRows) {
      if (on) next.set(props.rowKey(r), r);
      else next.delete(props.rowKey(r));
    }
    sel!.set(next);
  };
  const columns: Column<T>[] = sel
    ? [
        {
          label: t('common.select'),
          class: 'select-col',
          head: (
            <input type="checkbox" aria-label={t('common.selectPage')} checked={allOnPage} onChange={(e) => togglePage((e.target as HTMLInputElement).checked)} />
          ),
          render: (row) => (
            <input
              type="checkbox"
              aria-label={props.selectLabel ? props.selectLabel(row) : t('common.select')}
              checked={sel.rows.has(props.rowKey(row))}
              onChange={(e) => toggleRow(row, (e.target as HTMLInputElement).checked)}
            />
          ),
        },
        ...props.columns,
      ]
    : props.columns;

  const toggleSort = (key: string) => {
    setSort(sort === key ? `-${key}` : key);
    setPage(1);
  };

  return (
    <div class="datatable">
      <div class="toolbar">
        {props.searchField && (
          <input
            type="search"
            class="search"
            aria-label={props.searchLabel ?? t('common.search')}
            placeholder={props.searchLabel ?? t('common.search')}
            value={search}
            onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
          />
        )}
        <div class="toolbar-actions">{props.toolbar}</div>
      </div>
      {sel && sel.rows.size > 0 && (
        <div class="bulk-bar" role="region" aria-label={t('common.selectedActions')}>
          <span>{t('common.selected', { n: sel.rows.size })}</span>
          {props.bulk}
          <button type="button" class="link" onClick={() => sel.set(new Map())}>
            {t('common.clearSelection')}
          </button>
        </div>
      )}
      <ErrorBanner error={error} />
      <table aria-busy={loading}>
        <caption class="sr-only">{props.caption}</caption>
        <TableHead columns={columns} sort={sort} onSort={toggleSort} />
        <tbody>
          {data?.items.map((row) => (
            <Row key={props.rowKey(row)} row={row} columns={columns} expand={props.expand} />
          ))}
        </tbody>
      </table>
      {loading && !data && <Spinner />}
      {data && data.items.length === 0 && !error && <Empty>{term ? t('common.noMatch', { term }) : props.empty}</Empty>}
      {data && data.total > pageSize && (
        <Pager page={page} pageSize={pageSize} total={data.total} onPage={setPage} />
      )}
      {data && data.total <= pageSize && data.total > 0 && (
        <div class="pager">
          <span>{totalItems(data.total)}</span>
        </div>
      )}
    </div>
  );
}

/** A small list the page already holds (no server paging, no sorting), in the same markup. */
export function StaticTable<T>(props: {
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string | number;
  caption: string;
  /** Shown instead of the table when there are no rows; without it, an empty table. */
  empty?: ComponentChildren;
}) {
  if (!props.rows.length && props.empty) return <Empty>{props.empty}</Empty>;
  return (
    <table>
      <caption class="sr-only">{props.caption}</caption>
      <TableHead columns={props.columns} />
      <tbody>
        {props.rows.map((row) => (
          <Row key={props.rowKey(row)} row={row} columns={props.columns} />
        ))}
      </tbody>
    </table>
  );
}

function TableHead<T>({ columns, sort, onSort }: { columns: Column<T>[]; sort?: string; onSort?: (key: string) => void }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => {
          const sortable = c.sort && onSort;
          const dir = sort === c.sort ? 'ascending' : sort === `-${c.sort}` ? 'descending' : undefined;
          return (
            <th key={c.label} class={c.class} aria-sort={sortable ? (dir ?? 'none') : undefined} scope="col">
              {sortable ? (
                <button type="button" class="sort" onClick={() => onSort(c.sort!)}>
                  {c.label}
                  <span aria-hidden="true">{dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}</span>
                </button>
              ) : (
                (c.head ?? c.label)
              )}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

function Row<T>({ row, columns, expand }: { row: T; columns: Column<T>[]; expand?: (row: T) => ComponentChildren }) {
  const extra = expand?.(row);
  return (
    <>
      <tr>
        {columns.map((c) => (
          <td key={c.label} class={c.class}>
            {c.render(row)}
          </td>
        ))}
      </tr>
      {extra && (
        <tr class="expanded">
          <td colSpan={columns.length}>{extra}</td>
        </tr>
      )}
    </>
  );
}
