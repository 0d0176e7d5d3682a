"""Load policy documents from Markdown files with YAML front matter (`flask policies load DIR`).

    ---
    slug: heating-fee-2024
    title: 关于城市集中供热收费有关问题的通知
    doc_number: 并发改价格发〔2024〕12号     # may be empty
    issuer: 太原市发展和改革委员会
    published: 2024-09-20
    effective: 2024-10-01
    expires:                                # empty: no expiry
    source_url: https://example.gov.cn/…    # optional
    status: active                          # optional: active (default) or repealed
    ---
    正文（Markdown）…

Every file is checked before anything is written; one wrong file means nothing is loaded, and
the report names the file, line and field of each problem. Rows are matched by slug: new ones are
inserted, changed ones updated, documents not in the folder are left alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from policies.service import PolicyProblem, upsert_policy, validate_policy

FENCE = "---"


class YamlLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so a wrong date is reported (not a crash) and one
    parser checks every date."""


YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


@dataclass(frozen=True)
class FileProblem:
    file: str
    line: int  # 1-based line in the file; 0 for the whole file
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} 第 {self.line} 行" if self.line else self.file
        return f"{where} [{self.field}] {self.message}"


class PolicyLoadError(ValueError):
    """Nothing was loaded; .problems lists every problem found."""

    def __init__(self, problems: list[FileProblem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line number of the body's first line), or None without front matter."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != FENCE:
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    return None


def _key_lines(front: str) -> dict[str, int]:
    """Front-matter key → its line in the file (line 1 is the opening ---)."""
    node = yaml.compose(front, Loader=YamlLoader)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): key.start_mark.line + 2 for key, _value in node.value}


def parse_policy_file(path: Path) -> tuple[dict, list[FileProblem]]:
    """Cleaned column values of one file and its problems (with line numbers)."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [FileProblem(name, 0, "file", f"无法读取（须为 UTF-8 文本）：{exc}")]
    parts = split_front_matter(text)
    if parts is None:
        return {}, [FileProblem(name, 1, "file", "缺少以 --- 开始和结束的文件头（front matter）")]
    front, body, body_line = parts
    try:
        fields = yaml.load(front, Loader=YamlLoader)  # noqa: S506 - a SafeLoader
        lines = _key_lines(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        return {}, [FileProblem(name, line, "file", f"文件头不是有效的 YAML：{getattr(exc, 'problem', exc)}")]
    if not isinstance(fields, dict):
        return {}, [FileProblem(name, 2, "file", "文件头应为「字段: 值」的列表")]
    values, problems = validate_policy({**{str(key): value for key, value in fields.items()}, "body": body})
    return values, [_located(name, problem, lines, body_line) for problem in problems]


def _located(name: str, problem: PolicyProblem, lines: dict[str, int], body_line: int) -> FileProblem:
    line = body_line if problem.field == "body" else lines.get(problem.field, 1)
    return FileProblem(name, line, problem.field, problem.message)


def read_directory(directory: Path) -> list[tuple[Path, dict]]:
    """Every *.md file of `directory`, validated; raises PolicyLoadError listing all problems."""
    directory = Path(directory)
    if not directory.is_dir():
        raise PolicyLoadError([FileProblem(str(directory), 0, "file", "目录不存在")])
    documents, problems, seen = [], [], {}
    for path in sorted(directory.glob("*.md")):
        values, file_problems = parse_policy_file(path)
        problems += file_problems
        slug = values.get("slug")
        if slug and slug in seen:
            problems.append(FileProblem(path.name, 0, "slug", f"标识「{slug}」与 {seen[slug]} 重复"))
        elif slug:
            seen[slug] = path.name
        documents.append((path, values))
    if problems:
        raise PolicyLoadError(problems)
    return documents


def load_directory(session: Session, directory: Path) -> LoadReport:
    """Upsert every document of `directory` by slug (all or nothing); the caller commits."""
    report = LoadReport()
    for _path, values in read_directory(directory):
        policy, outcome = upsert_policy(session, values)
        getattr(report, outcome).append(policy.slug)
    session.flush()
    return report
