"""Named domain errors of the knowledge base; messages are Chinese (editors read them)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str  # a field name of the import format (question, answer, category, …) or "file"
    message: str  # Chinese, complete on its own (e.g. "标准问不能为空")

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class LineError:
    line: int  # line (CSV, JSON, YAML) or row (Excel) number, 1-based; 0 for the file as a whole
    field: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.line} 行" if self.line else "文件"
        return f"{where} [{self.field}] {self.message}"


class FieldErrors(ValueError):
    """One or more fields are wrong; .errors has one FieldError per problem (shared by every form's service)."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("；".join(error.message for error in errors))
        self.errors = errors

    def by_field(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for error in self.errors:
            result.setdefault(error.field, []).append(error.message)
        return result


class FaqError(Exception):
    """Base of every knowledge-base error."""


class EntryNotFound(FaqError, LookupError):
    def __init__(self, ref: object):
        super().__init__(f"找不到知识条目 {ref}")


class VersionNotFound(FaqError, LookupError):
    def __init__(self, entry_id: int, number: int):
        super().__init__(f"知识条目 {entry_id} 没有第 {number} 版")


class InvalidEntry(FaqError, FieldErrors):
    """One or more fields are wrong; .errors has one FieldError per problem."""


class TransitionNotAllowed(FaqError):
    """The entry's status does not allow this action (e.g. publishing an archived entry)."""


class InvalidVocabulary(FaqError, ValueError):
    """A synonym group or dictionary word is wrong; the message says why."""


class ImportFailed(FaqError, ValueError):
    """Nothing was imported; .problems lists every wrong line, field and reason."""

    def __init__(self, problems: list[LineError]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems
