"""Categories by lexicon: which of the taxonomy's categories the words of an appeal speak for, and why.

The trained classifier knows only the level-1 categories that have labelled data; this lexicon covers the
whole three-level tree, so it decides the level-1 categories the classifier has never seen and picks the
level-2/level-3 category under any level-1. It is deliberately transparent: every score is a sum of
keyword weights and every candidate carries the keywords that produced it.

The lexicon
    ``data/category_keywords.tsv`` lists ``path<TAB>keywords``: the full path of a node ("城乡建设",
    "城乡建设/住房保障与房地产" or "城乡建设/住房保障与房地产/物业服务"; level-3 names repeat under
    different parents, so a path is always complete) and the words citizens use for it, comma-separated.
    Each node also gets its own name, and the parts of a compound name ("城市建设和市政管理" gives
    城市建设, 市政管理), unless a part is a generic word such as 办理 or 管理. "其他" nodes get nothing:
    they are the fallback.

Matching
    The caller's words (jieba tokens) are joined and scanned left to right for the longest keyword at each
    position. A keyword may span several tokens ("物业" + "费用" holds 物业费) but only when it starts at
    a token boundary; inside a single token any substring counts ("环保局" holds 环保). So 保安 is not
    found in 确保 + 安全. Each keyword counts once per text, with a small bonus for repetition
    (+25 % per further mention, at most x2). Latin letters match in any case (KTV, ktv). Pass all the words
    (``Tokenizer.words``): keywords that contain stop words (不打表, 没有信号) are lost in ``content_words``.

Weights
    A keyword weighs more the longer it is (2 characters 1.0, 3 → 1.4, 4 → 1.8, 5 or more → 2.0) and the
    rarer it is in the lexicon: for the level-1 scores its weight is divided by the number of level-1
    categories whose subtree lists it; for a node's own score by the square root of the number of nodes
    that list it.

Scores
    ``level1_scores``: for each level-1 category, the sum of the weights of the keywords found anywhere in
    its subtree (each keyword once). ``rank_within``/``rank_all``: a level-3 category scores its own
    keywords plus half of its level-2 parent's and a quarter of its level-1's ("a parent's keywords
    support its children"); only categories with their own evidence are candidates, except that a level-2
    (or level-1) that matches while none of its children does hands its score to its "其他" child (or to
    itself when it has none). Confidences are the scores divided by their sum plus one, the one standing
    for what the lexicon cannot see, so a single weak keyword never looks certain.

Building the tree
    ``CategoryRef`` rows name only their parent, and level-2 names repeat ("安全生产", "其他"), so a
    level-3 row whose parent name is ambiguous is paired with the same-named level-2 rows in id order
    (the n-th such level-3 row by id goes to the n-th parent by id) when every parent has one, and otherwise
    to the latest same-named parent created before it. This is right whenever the taxonomy was created
    parents-before-children, branch by branch, as the taxonomy import does.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from triage.types import Candidate, CategoryRef

DATA = Path(__file__).resolve().parent / "data"
KEYWORDS_FILE = DATA / "category_keywords.tsv"

OTHER_NAMES = frozenset({"其他", "其它"})
PARENT_SUPPORT = 0.5  # share of a level-2's own score that each of its children inherits
GRANDPARENT_SUPPORT = 0.25  # share of a level-1's own score that each level-3 below it inherits
UNSEEN_MASS = 1.0  # added to the sum of scores before normalising: what the lexicon cannot see
REPEAT_BONUS = 0.25  # each further mention of a keyword adds a quarter of its weight …
REPEAT_CAP = 5  # … counting at most this many mentions

# Parts of compound category names that are too common in appeals to count as evidence on their own.
_GENERIC_NAME_PARTS = frozenset(
    {"办理", "管理", "问题", "服务", "工作", "建设", "政策", "事务", "待遇", "补偿", "保护", "监管", "执法", "安全"}
    | {"发展", "规划", "改革", "推广", "创建", "劳动", "其他", "其它"}
)
_NAME_SEPARATORS = re.compile(r"[、和与及，,（）()“”\"]")
# Latin letters to lower case without changing any length (str.lower may), so offsets stay valid.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def keyword_weight(keyword: str) -> float:
    """The weight of a keyword by its length: longer keywords are more specific."""
    return {2: 1.0, 3: 1.4, 4: 1.8}.get(len(keyword), 2.0 if len(keyword) > 4 else 0.0)


def name_words(name: str) -> list[str]:
    """A category's own name and the specific parts of a compound name, as keywords."""
    if name in OTHER_NAMES:
        return []
    words = [name]
    parts = [part for part in _NAME_SEPARATORS.split(name) if part]
    if len(parts) > 1:
        words += [part for part in parts if len(part) >= 2 and part not in _GENERIC_NAME_PARTS]
    return [word for word in dict.fromkeys(words) if len(word) >= 2]


@cache
def read_keywords(path: Path = KEYWORDS_FILE) -> dict[tuple[str, ...], tuple[str, ...]]:
    """The keyword file as {path tuple: keywords}; comment lines start with #."""
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        node, _, words = line.partition("\t")
        key = tuple(part.strip() for part in node.split("/"))
        if not all(key) or len(key) > 3:
            raise ValueError(f"{path.name}:{number}: bad category path {node!r}")
        keywords = tuple(dict.fromkeys(w.strip() for w in words.replace("，", ",").split(",") if len(w.strip()) >= 2))
        table[key] = tuple(dict.fromkeys((*table.get(key, ()), *keywords)))
    return table


@dataclass
class _Node:
    ref: CategoryRef
    path: tuple[str, ...]
    parent: int | None = None  # index of the parent node
    children: list[int] = field(default_factory=list)
    other_child: int | None = None  # index of the "其他" child, the fallback

    @property
    def is_other(self) -> bool:
        return self.ref.name in OTHER_NAMES


def resolve_paths(categories: Sequence[CategoryRef]) -> dict[int, tuple[str, ...]]:
    """The full path of every row, by id. See the module docstring for rows whose parent is ambiguous."""
    level1 = {c.name for c in categories if c.level == 1}
    paths: dict[int, tuple[str, ...]] = {}
    level2_by_name: dict[str, list[CategoryRef]] = defaultdict(list)
    for c in categories:
        if c.level == 1:
            paths[c.id] = (c.name,)
        elif c.level == 2 and c.parent_name in level1:
            paths[c.id] = (c.parent_name, c.name)
            level2_by_name[c.name].append(c)
    level3_by_parent: dict[str, list[CategoryRef]] = defaultdict(list)
    for c in categories:
        if c.level == 3 and c.parent_name in level2_by_name:
            level3_by_parent[c.parent_name].append(c)
    for parent_name, rows in level3_by_parent.items():
        parents = sorted(level2_by_name[parent_name], key=lambda p: p.id)
        if len(parents) == 1:
            for row in rows:
                paths[row.id] = (*paths[parents[0].id], row.name)
            continue
        # Same-named level-2 parents: pair the rows of one level-3 name with the parents in id order when
        # every parent has one; otherwise each row goes to the latest parent created before it.
        by_name: dict[str, list[CategoryRef]] = defaultdict(list)
        for row in sorted(rows, key=lambda r: r.id):
            by_name[row.name].append(row)
        for same_named in by_name.values():
            if len(same_named) == len(parents):
                pairs = zip(same_named, parents, strict=True)
            else:
                pairs = (
                    (row, max((p for p in parents if p.id < row.id), key=lambda p: p.id, default=parents[0]))
                    for row in same_named
                )
            for row, parent in pairs:
                paths[row.id] = (*paths[parent.id], row.name)
    return paths


class CategoryLexicon:
    """Keyword evidence for every node of a category tree; build once, share between threads."""

    def __init__(self, nodes: list[_Node], keyword_entries: dict[str, tuple[tuple[int, float], ...]]) -> None:
        self._nodes = nodes
        self._entries = keyword_entries  # keyword -> ((node index, weight for that node's own score), ...)
        self._level1 = [i for i, node in enumerate(nodes) if node.ref.level == 1]
        self._level1_index = {nodes[i].ref.name: i for i in self._level1}
        self._index_of_id = {node.ref.id: i for i, node in enumerate(nodes)}
        self._top = [self._root_of(i) for i in range(len(nodes))]
        # keyword -> ((level-1 index, weight), ...) for the level-1 scores: split between the level-1s that list it
        self._level1_entries: dict[str, tuple[tuple[int, float], ...]] = {}
        for keyword, entries in keyword_entries.items():
            roots = sorted({self._top[index] for index, _ in entries})
            share = keyword_weight(keyword) / len(roots)
            self._level1_entries[keyword] = tuple((root, share) for root in roots)
        # the first two characters of every keyword -> the keywords starting with them, longest first
        by_prefix: dict[str, list[str]] = defaultdict(list)
        for keyword in keyword_entries:
            by_prefix[keyword[:2]].append(keyword)
        self._by_prefix = {p: tuple(sorted(ws, key=len, reverse=True)) for p, ws in by_prefix.items()}
        self._last: tuple[tuple[str, ...], Counter[str]] | None = None

    @classmethod
    def build(
        cls, categories: Sequence[CategoryRef], keywords: dict[tuple[str, ...], Iterable[str]] | None = None
    ) -> CategoryLexicon:
        """The lexicon for a taxonomy given as CategoryRef rows, with keywords from category_keywords.tsv (or
        ``keywords``, {path tuple: words}, for tests). Rows whose path the file does not list get only their
        own name as keywords."""
        table = read_keywords() if keywords is None else keywords
        paths = resolve_paths(categories)
        nodes = [_Node(ref=c, path=paths[c.id]) for c in categories if c.id in paths]
        index_of = {node.path: i for i, node in enumerate(nodes)}
        for i, node in enumerate(nodes):
            parent = index_of.get(node.path[:-1]) if len(node.path) > 1 else None
            if parent is not None:
                node.parent = parent
                nodes[parent].children.append(i)
                if node.is_other:
                    nodes[parent].other_child = i
        listed: dict[str, set[int]] = defaultdict(set)
        for i, node in enumerate(nodes):
            words = [*name_words(node.ref.name), *([] if node.is_other else table.get(node.path, ()))]
            for word in words:
                if len(word) >= 2:
                    listed[word.translate(_ASCII_LOWER)].add(i)
        entries = {
            word: tuple((i, keyword_weight(word) / math.sqrt(len(owners))) for i in sorted(owners))
            for word, owners in listed.items()
        }
        return cls(nodes, entries)

    # -- reading --------------------------------------------------------------------------------------

    @property
    def keywords(self) -> tuple[str, ...]:
        """Every keyword of the lexicon, e.g. to teach a tokenizer to keep them whole."""
        return tuple(self._entries)

    @property
    def level1_names(self) -> tuple[str, ...]:
        return tuple(self._nodes[i].ref.name for i in self._level1)

    def path_of(self, category_id: int) -> tuple[str, ...]:
        """The full path of a category of this lexicon's tree (KeyError for an unknown id)."""
        return self._nodes[self._index_of_id[category_id]].path

    def _root_of(self, index: int) -> int:
        while self._nodes[index].parent is not None:
            index = self._nodes[index].parent
        return index

    def find(self, words: Sequence[str]) -> Counter[str]:
        """The keywords found in the words, with how often each occurs (leftmost-longest, no overlaps)."""
        return Counter(self._found(words))

    def _found(self, words: Sequence[str]) -> Counter[str]:
        """find() without the copy; the last result is kept, so level1_scores followed by rank_within on the
        same words scans them once."""
        key = tuple(words)
        last = self._last
        if last is not None and last[0] == key:
            return last[1]
        found = self._scan(key)
        self._last = (key, found)  # one assignment: safe to share between threads
        return found

    def _scan(self, words: Sequence[str]) -> Counter[str]:
        text = "".join(words).translate(_ASCII_LOWER)
        total = len(text)
        by_prefix = self._by_prefix
        found: Counter[str] = Counter()
        resume = 0  # where the last keyword found ends: matches do not overlap
        offset = 0
        for word in words:
            end = offset + len(word)
            position = max(offset, resume)
            while position < end:
                # at a word start a keyword may run on into the next words; inside a word it must end in it
                room = total - position if position == offset else end - position
                if room < 2:
                    break
                for keyword in by_prefix.get(text[position : position + 2], ()):
                    if len(keyword) <= room and text.startswith(keyword, position):
                        found[keyword] += 1
                        resume = position + len(keyword)
                        break
                position = resume if resume > position else position + 1
            offset = end
        return found

    @staticmethod
    def _repeat(count: int) -> float:
        return 1.0 + REPEAT_BONUS * (min(count, REPEAT_CAP) - 1)

    def level1_scores(self, words: Sequence[str]) -> dict[str, float]:
        """Level-1 name -> keyword evidence (0 when nothing), for every level-1 category."""
        scores = dict.fromkeys(self._level1, 0.0)
        for keyword, count in self._found(words).items():
            factor = self._repeat(count)
            for root, weight in self._level1_entries[keyword]:
                scores[root] += weight * factor
        return {self._nodes[i].ref.name: round(score, 4) for i, score in scores.items()}

    def _own_scores(self, found: Counter[str]) -> tuple[dict[int, float], dict[int, list[tuple[float, str]]]]:
        own: dict[int, float] = defaultdict(float)
        why: dict[int, list[tuple[float, str]]] = defaultdict(list)
        for keyword, count in found.items():
            factor = self._repeat(count)
            for index, weight in self._entries[keyword]:
                own[index] += weight * factor
                why[index].append((weight * factor, keyword))
        return own, why

    def _rank(self, words: Sequence[str], roots: Sequence[int], keep: int) -> list[Candidate]:
        own, why = self._own_scores(self._found(words))
        if not own:
            return []
        nodes = self._nodes
        scored: dict[int, tuple[float, list[tuple[float, str]]]] = {}

        def support(index: int, share: float) -> tuple[float, list[tuple[float, str]]]:
            return share * own.get(index, 0.0), [(share * w, k) for w, k in why.get(index, ())]

        for root in roots:
            root_score, root_why = support(root, GRANDPARENT_SUPPORT)
            level2_matched = False
            for middle in nodes[root].children:
                middle_score, middle_why = support(middle, PARENT_SUPPORT)
                leaves = [c for c in nodes[middle].children if own.get(c, 0.0) > 0 and not nodes[c].is_other]
                for leaf in leaves:
                    scored[leaf] = (own[leaf] + middle_score + root_score, [*why[leaf], *middle_why, *root_why])
                if not leaves and middle_score > 0:
                    target = nodes[middle].other_child if nodes[middle].other_child is not None else middle
                    scored[target] = (middle_score + root_score, [*middle_why, *root_why])
                level2_matched = level2_matched or bool(leaves) or middle_score > 0
            if not level2_matched and root_score > 0:
                target = self._fallback_of(root)
                scored[target] = (root_score, root_why)
        if not scored:
            return []
        total = sum(score for score, _ in scored.values()) + UNSEEN_MASS
        ranked = sorted(scored.items(), key=lambda item: (-item[1][0], nodes[item[0]].ref.id))[:keep]
        return [
            Candidate(nodes[index].ref.id, round(score / total, 4), _evidence(reasons))
            for index, (score, reasons) in ranked
        ]

    def _fallback_of(self, root: int) -> int:
        """The level-1's "其他/其他" leaf (or the nearest existing node on that path)."""
        other = self._nodes[root].other_child
        if other is None:
            return root
        deeper = self._nodes[other].other_child
        return deeper if deeper is not None else other

    def rank_within(self, words: Sequence[str], level1_name: str, *, keep: int = 3) -> list[Candidate]:
        """The likeliest level-3 categories (level-2 where no level-3 fits) under one level-1 category;
        [] when nothing under it is mentioned."""
        root = self._level1_index.get(level1_name)
        return [] if root is None else self._rank(words, [root], keep)

    def rank_all(self, words: Sequence[str], *, keep: int = 3) -> list[Candidate]:
        """The likeliest categories over the whole taxonomy."""
        return self._rank(words, self._level1, keep)


def _evidence(reasons: list[tuple[float, str]]) -> tuple[str, ...]:
    """The keywords behind a score, strongest first, each once."""
    best: dict[str, float] = {}
    for weight, keyword in reasons:
        best[keyword] = max(weight, best.get(keyword, 0.0))
    return tuple(sorted(best, key=lambda k: (-best[k], k)))
