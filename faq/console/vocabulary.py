"""同义词与词典: the editors' synonym groups and custom dictionary words (add, edit, delete, find).

Every change goes through faq.synonyms, which bumps the knowledge-base version in the same
transaction, so the live engine rebuilds its index within seconds.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.db import db
from faq.console import EDITORS, bp
from faq.console.vocabulary_display import editor_names, kb_version, matches
from faq.console.vocabulary_forms import (
    ConfirmForm,
    DictionaryWordEditForm,
    DictionaryWordForm,
    SynonymGroupForm,
    dictionary_error_field,
    split_words,
)
from faq.errors import InvalidVocabulary
from faq.fields import clean_text
from faq.models import DictionaryWord, SynonymGroup
from faq.synonyms import (
    add_dictionary_word,
    create_synonym_group,
    delete_dictionary_word,
    delete_synonym_group,
    list_dictionary_words,
    list_synonym_groups,
    update_dictionary_word,
    update_synonym_group,
)
from staff.access import roles_required

MAX_QUERY = 30


def _page(group_form: SynonymGroupForm | None = None, word_form: DictionaryWordForm | None = None):
    query = clean_text(request.args.get("q"))[:MAX_QUERY]
    groups, words = list_synonym_groups(db.session), list_dictionary_words(db.session)
    totals = (len(groups), len(words))
    if query:
        groups = [group for group in groups if matches(query, [*group.words, group.note])]
        words = [row for row in words if matches(query, [row.word])]
    return render_template(
        "faq_console/vocabulary.html", query=query, groups=groups, words=words, totals=totals,
        group_form=group_form or SynonymGroupForm(prefix="group", formdata=None),
        word_form=word_form or DictionaryWordForm(prefix="word", formdata=None),
        version=kb_version(db.session),
        names=editor_names(db.session, [row.updated_by_id for row in (*groups, *words)]))


def _done(message: str, anchor: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".vocabulary", _anchor=anchor))


def _words_field(_message: str) -> str:
    return "words"


def _save(form, change: Callable[[], str], error_field: Callable[[str], str], anchor: str):
    """Run `change` (a service call giving the success message) and commit; or, on InvalidVocabulary,
    roll back, put the message beside the field it is about and return None."""
    try:
        message = change()
    except InvalidVocabulary as exc:
        db.session.rollback()
        getattr(form, error_field(str(exc))).errors.append(str(exc))
        return None
    return _done(message, anchor)


@bp.get("/vocabulary")
@roles_required(*EDITORS)
def vocabulary():
    return _page()


@bp.post("/vocabulary/groups")
@roles_required(*EDITORS)
def vocabulary_group_create():
    form = SynonymGroupForm(prefix="group")

    def create() -> str:
        group = create_synonym_group(db.session, split_words(form.words.data), note=form.note.data or "",
                                     by=current_user.id)
        return f"已新增同义词组：{'、'.join(group.words)}"

    if form.validate_on_submit() and (done := _save(form, create, _words_field, "synonyms")):
        return done
    return _page(group_form=form)


def _group(group_id: int) -> SynonymGroup:
    return db.session.get(SynonymGroup, group_id) or abort(404)


@bp.route("/vocabulary/groups/<int:group_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def vocabulary_group_edit(group_id: int):
    group = _group(group_id)
    form = SynonymGroupForm(data={"words": "\n".join(group.words), "note": group.note})

    def update() -> str:
        update_synonym_group(db.session, group_id, split_words(form.words.data), note=form.note.data or "",
                             by=current_user.id)
        return f"已保存同义词组：{'、'.join(group.words)}"

    if form.validate_on_submit() and (done := _save(form, update, _words_field, f"group-{group_id}")):
        return done
    return render_template(
        "faq_console/vocabulary_edit.html", form=form, fields=(form.words, form.note), anchor=f"group-{group_id}",
        title="编辑同义词组", intro=f"现有：{'、'.join(group.words)}")


@bp.post("/vocabulary/words")
@roles_required(*EDITORS)
def vocabulary_word_create():
    form = DictionaryWordForm(prefix="word")

    def add() -> str:
        row = add_dictionary_word(db.session, form.word.data or "", frequency=form.frequency.data, pos=form.pos.data,
                                  by=current_user.id)
        return f"已加入词典：{row.word}"

    if form.validate_on_submit() and (done := _save(form, add, dictionary_error_field, "dictionary")):
        return done
    return _page(word_form=form)


def _word(word_id: int) -> DictionaryWord:
    return db.session.get(DictionaryWord, word_id) or abort(404)


@bp.route("/vocabulary/words/<int:word_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def vocabulary_word_edit(word_id: int):
    row = _word(word_id)
    form = DictionaryWordEditForm(data={"frequency": "" if row.frequency is None else str(row.frequency),
                                        "pos": row.pos or ""})

    def update() -> str:
        update_dictionary_word(db.session, word_id, frequency=form.frequency.data, pos=form.pos.data,
                               by=current_user.id)
        return f"已保存词典词：{row.word}"

    if form.validate_on_submit() and (done := _save(form, update, dictionary_error_field, f"word-{word_id}")):
        return done
    return render_template("faq_console/vocabulary_edit.html", form=form, fields=(form.frequency, form.pos),
                           anchor=f"word-{word_id}", title=f"编辑词典词「{row.word}」",
                           intro="词语本身不能修改；要换一个词，请删除后重新加入。")


def _confirm_delete(kind: str, label: str, delete: Callable[[], None], anchor: str):
    """GET asks; POST (with the CSRF token) deletes."""
    form = ConfirmForm()
    if form.validate_on_submit():
        delete()
        return _done(f"已删除{kind}「{label}」", anchor)
    return render_template("faq_console/vocabulary_delete.html", form=form, kind=kind, label=label, anchor=anchor)


@bp.route("/vocabulary/groups/<int:group_id>/delete", methods=["GET", "POST"])
@roles_required(*EDITORS)
def vocabulary_group_delete(group_id: int):
    group = _group(group_id)
    return _confirm_delete("同义词组", "、".join(group.words),
                           lambda: delete_synonym_group(db.session, group_id), "synonyms")


@bp.route("/vocabulary/words/<int:word_id>/delete", methods=["GET", "POST"])
@roles_required(*EDITORS)
def vocabulary_word_delete(word_id: int):
    row = _word(word_id)
    return _confirm_delete("词典词", row.word, lambda: delete_dictionary_word(db.session, word_id), "dictionary")
