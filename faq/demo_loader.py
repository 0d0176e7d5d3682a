"""The demo knowledge base: policies/demo/*.md, then faq/demo/entries.yaml (HOTLINE_DEMO=1).

entries.yaml is a YAML list of entries in the JSON import format's field names (key, question,
similar, keywords, answer, answer_long, category, department, policies, valid_from, valid_until,
status). Optional, in faq/demo/: synonyms.yaml (a list of word lists) and dictionary.yaml (a list
of words, or of {word, frequency, pos}).

Like the reference seed, loading inserts what is missing (policies by slug, entries by key,
synonym groups sharing no word with an existing group, dictionary words by word) and never
overwrites what editors changed since; so running it twice changes nothing. New entries whose
status is published are published, archived ones archived. The reference data (categories,
departments) must be loaded first. Policy and entry files are validated whole before anything is written; the caller
commits, or rolls back on an exception (then nothing of the demo knowledge base is kept).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from faq.errors import ImportFailed, InvalidVocabulary, LineError
from faq.io import ImportReport, apply_rows, validate_rows
from faq.models import DictionaryWord, SynonymGroup
from faq.synonyms import add_dictionary_word, create_synonym_group
from policies.loader import YamlLoader, read_directory
from policies.models import PolicyDocument
from policies.service import upsert_policy

ROOT = Path(__file__).resolve().parent.parent
FAQ_DEMO = ROOT / "faq" / "demo"
POLICY_DEMO = ROOT / "policies" / "demo"


@dataclass
class DemoReport:
    policies_created: list[str] = field(default_factory=list)
    entries: ImportReport = field(default_factory=ImportReport)
    synonym_groups: int = 0
    dictionary_words: int = 0
    missing: list[str] = field(default_factory=list)  # demo files not there (yet)

    def summary(self) -> str:
        return (f"policies {len(self.policies_created)}, entries {len(self.entries.created)} "
                f"(published {len(self.entries.published)}), synonym groups {self.synonym_groups}, "
                f"dictionary words {self.dictionary_words}")


def read_yaml_list(path: Path) -> list[tuple[int, object]]:
    """The items of a YAML list with the line each starts on."""
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=YamlLoader)
        items = yaml.load(text, Loader=YamlLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ImportFailed([LineError(mark.line + 1 if mark else 0, "file", f"YAML 格式错误：{exc}")]) from exc
    if items is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise ImportFailed([LineError(1, "file", f"{path.name} 应为一个列表")])
    return [(child.start_mark.line + 1, item) for child, item in zip(node.value, items, strict=True)]


def _entry_rows(path: Path) -> list[tuple[int, dict]]:
    rows, problems = [], []
    for line, item in read_yaml_list(path):
        if isinstance(item, dict):
            rows.append((line, {str(key): value for key, value in item.items()}))
        else:
            problems.append(LineError(line, "file", "列表的每一项应为一个条目 {key: …, question: …}"))
    if problems:
        raise ImportFailed(problems)
    return rows


def load_demo_kb(session: Session, faq_dir: Path = FAQ_DEMO, policy_dir: Path = POLICY_DEMO) -> DemoReport:
    """Load the demo policies and entries (insert missing, publish per status). Raises
    PolicyLoadError or ImportFailed, having written nothing, when a file is wrong."""
    report = DemoReport()
    if policy_dir.is_dir():
        for _path, values in read_directory(policy_dir):
            if session.scalar(select(PolicyDocument.id).where(PolicyDocument.slug == values["slug"])) is None:
                policy, _outcome = upsert_policy(session, values)
                report.policies_created.append(policy.slug)
        session.flush()
    else:
        report.missing.append(str(policy_dir))
    entries = faq_dir / "entries.yaml"
    if entries.is_file():
        rows = _entry_rows(entries)
        prepared = validate_rows(session, rows, require_publishable=lambda status: status == "published")
        report.entries = apply_rows(session, prepared, update_existing=False, note="演示数据",
                                    target_status=lambda row: row.status if row.existing is None else None)
    else:
        report.missing.append(str(entries))
    report.synonym_groups = _load_synonyms(session, faq_dir / "synonyms.yaml")
    report.dictionary_words = _load_dictionary(session, faq_dir / "dictionary.yaml")
    return report


def _load_synonyms(session: Session, path: Path) -> int:
    if not path.is_file():
        return 0
    known = {word for words in session.scalars(select(SynonymGroup.words)) for word in words}
    created = 0
    for line, words in read_yaml_list(path):
        if not isinstance(words, list):
            raise ImportFailed([LineError(line, "synonyms", "每一项应为一组词的列表，如 [暖气, 供暖, 采暖]")])
        if any(str(word).strip() in known for word in words):  # editors own that word's group now
            continue
        try:
            group = create_synonym_group(session, [str(word) for word in words])
        except InvalidVocabulary as exc:
            raise ImportFailed([LineError(line, "synonyms", str(exc))]) from exc
        known.update(group.words)
        created += 1
    return created


def _load_dictionary(session: Session, path: Path) -> int:
    if not path.is_file():
        return 0
    known = set(session.scalars(select(DictionaryWord.word)))
    created = 0
    for line, item in read_yaml_list(path):
        spec = item if isinstance(item, dict) else {"word": item}
        word = str(spec.get("word") or "").strip()
        if not word or word in known:
            continue
        try:
            add_dictionary_word(session, word, frequency=spec.get("frequency"), pos=spec.get("pos"))
        except InvalidVocabulary as exc:
            raise ImportFailed([LineError(line, "dictionary", str(exc))]) from exc
        known.add(word)
        created += 1
    return created
