"""What every evaluation shares: where the data is, and the product's own output on it.

The data lives beside the project in ../shared/data (or wherever `make eval DATA=DIR` points) and
is never copied into it: labels in tests/eval/labels/ name articles by their line in the corpus
file and hold no article text. Articles are built through the same reader and ArticleBuilder that
`briefings ingest` uses, with the shipped config/ and, for the 2019 corpus, tests/eval/taxonomy_2019.yaml.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from types import ModuleType

from briefings.analysis.taxonomy import Taxonomy, TaxonomySpec, build_taxonomy
from briefings.errors import RejectedInput
from briefings.ingest.build import ArticleBuilder
from briefings.ingest.readers import read_file
from briefings.models import Article
from briefings.yamlconf import load_model

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"
HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels"
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEV_CORPUS = "ko_company_news_2019_dev.jsonl"
SCI_SUMMARIES = "ko_sci_news_summaries.jsonl"
BUILT_AT = datetime(2026, 1, 1, tzinfo=UTC)


def old_module(commit: str, path: str, name: str) -> ModuleType | None:
    """A project file as it was at `commit`, loaded from git into a throwaway module: the old
    behaviour every area compares against. None where git or the commit is not available."""
    try:
        source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:{path}"], capture_output=True,
                                text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    file = Path(tempfile.mkdtemp()) / f"{name}.py"
    file.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the code runs
    spec.loader.exec_module(module)
    return module


def dev_taxonomy() -> Taxonomy:
    return build_taxonomy(load_model(HERE / "taxonomy_2019.yaml", TaxonomySpec))


def held_out(key: object) -> bool:
    """Half of every labelled set is held out from tuning: a stable hash decides which half."""
    return hashlib.sha256(str(key).encode()).digest()[0] % 2 == 1


def load_labels(name: str) -> list[dict]:
    """tests/eval/labels/NAME.jsonl: one label object a line (`#` lines are comments)."""
    path = LABELS / f"{name}.jsonl"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]


@dataclass
class Built:
    """One corpus line through the product: the article, or the reason it was rejected."""

    line: int
    article: Article | None
    rejected: str | None


_BUILDER: ArticleBuilder | None = None


def _init_worker() -> None:
    global _BUILDER
    _BUILDER = ArticleBuilder.from_config(CONFIG, dev_taxonomy())


def _build_chunk(args: tuple[str, list[int]]) -> list[Built]:
    path, wanted = args
    data = Path(path).read_bytes()
    outcome = read_file(Path(path), data, hashlib.sha256(data).hexdigest())
    out: list[Built] = [Built(int(r.source.rsplit(":", 1)[1]), None, r.reason) for r in outcome.rejected
                        if int(r.source.rsplit(":", 1)[1]) in wanted]
    for raw in outcome.articles:
        line = int(raw.source.rsplit(":", 1)[1])
        if line not in wanted:
            continue
        try:
            out.append(Built(line, _BUILDER.build(raw, BUILT_AT), None))
        except RejectedInput as exc:
            out.append(Built(line, None, exc.reason))
    return out


@dataclass
class EvalContext:
    data_dir: Path
    results: dict[str, dict] = field(default_factory=dict)

    def path(self, name: str) -> Path:
        return self.data_dir / name

    def has(self, name: str) -> bool:
        return self.path(name).exists()

    @cached_property
    def dev_rows(self) -> dict[int, dict]:
        """The dev corpus by 1-based line number."""
        lines = self.path(DEV_CORPUS).read_text(encoding="utf-8").split("\n")
        return {n: json.loads(line) for n, line in enumerate(lines, start=1) if line.strip()}

    @cached_property
    def dev_built(self) -> dict[int, Built]:
        """Every dev corpus line built by the product (both cores; ~1–2 minutes)."""
        return self.build_lines(self.dev_rows)

    def build_lines(self, lines: object) -> dict[int, Built]:
        """Only these dev corpus lines built by the product, for areas that need a labelled few."""
        wanted = sorted(set(lines))  # type: ignore[call-overload]
        if "dev_built" in self.__dict__:
            return {n: self.dev_built[n] for n in wanted if n in self.dev_built}
        workers = max(1, min(2, os.cpu_count() or 1, len(wanted)))
        chunks = [(str(self.path(DEV_CORPUS)), set(wanted[i::workers * 4])) for i in range(workers * 4)]
        with ProcessPoolExecutor(workers, initializer=_init_worker) as pool:
            built = [b for chunk in pool.map(_build_chunk, chunks) for b in chunk]
        return {b.line: b for b in sorted(built, key=lambda b: b.line)}

    def dev_article(self, line: int) -> Article | None:
        return self.dev_built[line].article
