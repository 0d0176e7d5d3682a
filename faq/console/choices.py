"""Reference rows as the entries pages offer them: the coded category tree and the department tree
(for filters and the edit form, each loaded once per request) and the policy documents to cite."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from policies.models import PolicyDocument
from reference.models import Category, Department


@dataclass(frozen=True)
class Node:
    id: int
    code: str
    name: str
    depth: int
    path: str  # e.g. "城乡建设 → 供热 → 暖气不热"
    leaf: bool


class Tree:
    """A tree of (id, code, name, parent_id) rows in display order, with lookups by id and code."""

    def __init__(self, rows: list[tuple[int, str, str, int | None]]):
        self._children: dict[int | None, list[tuple[int, str, str, int | None]]] = {}
        for row in rows:
            self._children.setdefault(row[3], []).append(row)
        self.nodes: list[Node] = []
        self._walk(None, 0, "")
        self.by_id = {node.id: node for node in self.nodes}
        self.by_code = {node.code: node for node in self.nodes}

    def _walk(self, parent_id: int | None, depth: int, prefix: str) -> None:
        for node_id, code, name, _parent in self._children.get(parent_id, []):
            path = f"{prefix} → {name}" if prefix else name
            self.nodes.append(Node(node_id, code, name, depth, path, node_id not in self._children))
            self._walk(node_id, depth + 1, path)

    def subtree_ids(self, code: str) -> list[int]:
        """The node with `code` and every node below it (empty when the code is unknown)."""
        node = self.by_code.get(code)
        if node is None:
            return []
        ids, pending = [], [node.id]
        while pending:
            current = pending.pop()
            ids.append(current)
            pending.extend(row[0] for row in self._children.get(current, []))
        return ids

    @property
    def leaves(self) -> list[Node]:
        return [node for node in self.nodes if node.leaf]


def category_tree(session: Session) -> Tree:
    return Tree(list(session.execute(
        select(Category.id, Category.code, Category.name, Category.parent_id).order_by(Category.sort, Category.code))))


def department_tree(session: Session) -> Tree:
    return Tree(list(session.execute(
        select(Department.id, Department.code, Department.name, Department.parent_id)
        .order_by(Department.sort, Department.code))))


@dataclass(frozen=True)
class PolicyChoice:
    slug: str
    title: str
    doc_number: str
    expired: bool


def policy_choices(session: Session, today: date) -> list[PolicyChoice]:
    return [PolicyChoice(policy.slug, policy.title, policy.doc_number, policy.is_expired(today))
            for policy in session.scalars(select(PolicyDocument).order_by(PolicyDocument.slug))]
