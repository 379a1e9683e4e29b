import type { ComponentChildren } from 'preact';

/** A column heading; `narrow: false` hides the column on narrow screens (what a reader scans for stays). */
export interface Column {
  label: string;
  narrow?: false;
}

/** A scrollable table with column headings; the rows are the caller's (hide a cell with `class="hide-narrow"` too). */
export function Table({ columns, children }: { columns: Column[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" class={column.narrow === false ? 'hide-narrow' : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
