"""The company × theme grid as aligned text rows (monospace blocks in every format)."""

from __future__ import annotations

from briefings.digest.model import Grid
from briefings.textwidth import pad, width


def cell_text(count: int, change: int | None) -> str:
    if change is None:
        return str(count)
    return f"{count} ({'+' if change > 0 else ''}{change})" if change else f"{count} (=)"


def grid_rows(grid: Grid) -> list[str]:
    first = max([width(name) for _, name in grid.companies] + [4]) + 2
    heads = [name for _, name in grid.themes]
    cells = [[cell_text(grid.cells[c][t].count, grid.cells[c][t].change) for t, _ in grid.themes]
             for c, _ in grid.companies]
    widths = [max([width(h), *(width(row[i]) for row in cells)]) + 2 for i, h in enumerate(heads)]
    rows = [pad("", first) + "".join(pad(h, w) for h, w in zip(heads, widths, strict=True))]
    for (_, name), row in zip(grid.companies, cells, strict=True):
        rows.append(pad(name, first) + "".join(pad(v, w) for v, w in zip(row, widths, strict=True)))
    if grid.previous_label:
        rows.append(f"(±: against {grid.previous_label})")
    return [r.rstrip() for r in rows]
