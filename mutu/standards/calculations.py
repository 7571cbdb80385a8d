"""Pure functions over standard versions as plain data (no ORM)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffRow:
    left: str
    right: str
    kind: str  # "same", "changed", "added", "removed"


@dataclass(frozen=True)
class ComponentDiff:
    label: str
    rows: tuple[DiffRow, ...]

    @property
    def changed(self) -> bool:
        return any(r.kind != "same" for r in self.rows)


def side_by_side(left: list[str], right: list[str]) -> tuple[DiffRow, ...]:
    """Align two lists of lines for a two-column view, marking what changed."""
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(DiffRow(a, b, "same") for a, b in zip(left[i1:i2], right[j1:j2], strict=True))
        elif tag == "delete":
            rows.extend(DiffRow(a, "", "removed") for a in left[i1:i2])
        elif tag == "insert":
            rows.extend(DiffRow("", b, "added") for b in right[j1:j2])
        else:  # replace: pair lines up, the longer side continues alone
            old, new = left[i1:i2], right[j1:j2]
            for k in range(max(len(old), len(new))):
                a = old[k] if k < len(old) else ""
                b = new[k] if k < len(new) else ""
                kind = "changed" if a and b else ("removed" if a else "added")
                rows.append(DiffRow(a, b, kind))
    return tuple(rows)


def compare_components(left: list[tuple[str, list[str]]], right: list[tuple[str, list[str]]]) -> list[ComponentDiff]:
    """Diff two versions given as ordered (label, lines) pairs with the same labels."""
    right_by_label = dict(right)
    return [ComponentDiff(label, side_by_side(lines, right_by_label.get(label, []))) for label, lines in left]


def format_rupiah(amount: int) -> str:
    """150000 → "Rp 150.000" (dots group thousands, whatever the UI language; the space does not break)."""
    return "Rp\u00a0" + f"{amount:,}".replace(",", ".")
