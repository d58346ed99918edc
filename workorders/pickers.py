"""The search keys of the type-ahead pickers (category, area, department): each name with its pinyin and initials,
so an operator finds 物业 by typing 物业, ``wuye`` or ``wy``. Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

PATH_SEPARATOR = " / "  # how TreeNode.full_name joins the names of a node's ancestors


@dataclass(frozen=True)
class PickerEntry:
    """One choice of a picker: its id, what is shown, and the keys typing is matched against (one key per name of
    the path, the node's own name last)."""

    id: int
    label: str  # the full name (城乡建设 / 物业管理)
    name: str  # the node's own name (物业管理)
    pinyin: tuple[str, ...]  # per name of the path: chengxiangjianshe, wuyeguanli
    initials: tuple[str, ...]  # per name of the path: cxjs, wygl

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "label": self.label, "name": self.name, "py": self.pinyin, "ini": self.initials}


def pinyin_keys(text: str) -> tuple[str, str]:
    """The toneless pinyin of ``text`` written together and its initials (物业管理 → wuyeguanli, wygl); characters
    that are not Chinese are kept lower-cased in both (12345热线 → 12345rexian, 12345rx)."""
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars))
    full = "".join(syllables).lower().replace(" ", "")
    initials = "".join(s[0] if s[0].isalpha() and len(s) > 1 or not s.isascii() else s for s in syllables)
    return full, initials.lower().replace(" ", "")


def picker_entry(pk: int, full_name: str, name: str) -> PickerEntry:
    parts = [part for part in full_name.split(PATH_SEPARATOR) if part] or [name]
    keys = [pinyin_keys(part) for part in parts]
    return PickerEntry(
        id=pk,
        label=full_name or name,
        name=name,
        pinyin=tuple(full for full, _ in keys),
        initials=tuple(initials for _, initials in keys),
    )


def matches(entry: PickerEntry, typed: str) -> int | None:
    """How well ``typed`` matches the entry (lower is better), or None when it does not: the node's own name first
    (as written, then its initials, then its pinyin), then its ancestors' names. The same order as
    ``static/js/pickers.js`` ranks in the browser; tests keep the two in step."""
    text = typed.strip().lower().replace(" ", "")
    if not text:
        return 0
    own_py, own_ini = entry.pinyin[-1], entry.initials[-1]
    ranked = (
        entry.name.startswith(text),
        text in entry.name,
        own_ini.startswith(text),
        own_py.startswith(text),
        text in own_ini,
        text in own_py,
        text in entry.label,
        any(i.startswith(text) for i in entry.initials[:-1]),
        any(p.startswith(text) for p in entry.pinyin[:-1]),
        text in "".join(entry.initials),
        text in "".join(entry.pinyin),
    )
    for rank, hit in enumerate(ranked):
        if hit:
            return rank
    return None


def search(entries: list[PickerEntry], typed: str, limit: int = 12) -> list[PickerEntry]:
    """The entries matching ``typed``, best first: by how they match (``matches``), then the shorter name (more of
    it typed), then the order given (tree order: a parent before its children). ``static/js/pickers.js`` sorts the
    same way."""
    ranked = [
        (rank, len(entry.name), position, entry)
        for position, entry in enumerate(entries)
        if (rank := matches(entry, typed)) is not None
    ]
    ranked.sort(key=lambda item: item[:3])
    return [entry for *_key, entry in ranked[:limit]]
