"""The knowledge base: importing articles, searching passages, and answers with citations from the LLM."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from knowledge.documents import ArticleDraft, for_storage
from knowledge.index import index_for_search
from knowledge.models import KnowledgeArticle, KnowledgePassage
from knowledge.passages import split_passages
from knowledge.search import Hit, appeal_query
from triage.llm.answering import KnowledgeAnswer, SourcePassage, answer_messages, answer_output_schema, check_answer
from triage.llm.client import LlmError, LlmInvalid, LlmReply, config_from_options, shared_client
from triage.llm.prompts import load_prompt, repair_messages

if TYPE_CHECKING:
    from workorders.models import WorkOrder

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def knowledge_import(*, drafts: Sequence[ArticleDraft]) -> ImportOutcome:
    """Store articles and their passages. An article with a source reference (a message id, a file's
    row) is updated in place when imported again; one without is matched by source and title. Every
    process's search index follows within seconds (``knowledge.index``)."""
    created = updated = unchanged = 0
    for draft in map(for_storage, drafts):
        lookup = {"source": draft.source, "source_ref": draft.source_ref} if draft.source_ref else {
            "source": draft.source, "title": draft.title, "source_ref": ""
        }  # fmt: skip
        article = KnowledgeArticle.objects.filter(**lookup).first()
        values = {**_values_of(draft), "is_active": True}
        if article is None:
            article = KnowledgeArticle.objects.create(source=draft.source, source_ref=draft.source_ref, **values)
            created += 1
        elif all(getattr(article, name) == value for name, value in values.items()):
            unchanged += 1
            continue
        else:
            for name, value in values.items():
                setattr(article, name, value)
            article.save()
            updated += 1
        _cut_passages(article)
    return ImportOutcome(created, updated, unchanged)


@transaction.atomic
def knowledge_article_save(*, article: KnowledgeArticle) -> KnowledgeArticle:
    """An administrator's new or edited article: stored as imports store it (a past case masked) with its
    passages cut again; the search index follows by itself."""
    draft = for_storage(
        ArticleDraft(
            title=article.title,
            body=article.body,
            kind=article.kind,
            source=article.source,
            source_ref=article.source_ref,
            tags=tuple(article.tags or ()),
            question=article.question,
            dated=article.dated,
        )
    )
    for name, value in _values_of(draft).items():
        setattr(article, name, value)
    article.save()
    _cut_passages(article)
    return article


def knowledge_articles_set_active(*, articles: QuerySet[KnowledgeArticle], active: bool) -> int:
    """Retire articles from search (kept, and restorable) or bring them back; returns how many changed."""
    return articles.exclude(is_active=active).update(is_active=active, updated_at=timezone.now())


def _values_of(draft: ArticleDraft) -> dict[str, object]:
    return {
        "title": draft.title[:255],
        "kind": draft.kind,
        "question": draft.question,
        "body": draft.body,
        "tags": list(draft.tags),
        "dated": draft.dated,
    }


def _cut_passages(article: KnowledgeArticle) -> None:
    article.passages.all().delete()
    KnowledgePassage.objects.bulk_create(
        KnowledgePassage(article=article, position=p.position, text=p.text)
        for p in split_passages(str(article.pk), article.title, article.body)
    )


# --- search ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    hit: Hit
    article: KnowledgeArticle


@dataclass(frozen=True)
class KnowledgeQuery:
    """What the knowledge base is asked for an order: ``text`` at full weight (and in the link to the search
    page), ``context`` at less (``knowledge.search.CONTEXT_WEIGHT``)."""

    text: str
    context: str = ""


def order_knowledge_query(order: WorkOrder) -> KnowledgeQuery:
    """What to look up for an order (``knowledge.search.appeal_query``): its title and the caller's words as
    triage read them (masked), a call's operator turns as context. An order not analysed yet is read from its
    appeal, masked now."""
    text, context = appeal_query(title=order.title, appeal=order.text_for_models, caller_text=order.triage_record.text)
    return KnowledgeQuery(text, context)


def knowledge_search(query: str, *, limit: int = 5, context: str = "") -> list[Found] | None:
    """The best passages for a question, each with its article (none above the relevance floor: nothing);
    None while the index is being prepared (after a restart, before the first build), so a page can say so
    at once instead of waiting. ``context``: more of the appeal that counts less (an order's call)."""
    index = index_for_search()
    if index is None:
        return None
    hits = index.search(query, limit=limit, context=context)
    articles = KnowledgeArticle.objects.in_bulk([int(hit.article_key) for hit in hits])
    return [Found(hit, articles[int(hit.article_key)]) for hit in hits if int(hit.article_key) in articles]


@dataclass(frozen=True)
class AnswerOutcome:
    answer: KnowledgeAnswer | None
    status: str  # "answered", "unsupported", "invalid", "disabled", "no_passages" or the client's error
    reason: str = ""
    model: str = ""
    prompt: str = ""
    latency_ms: float = 0.0
    tokens: int = 0


def knowledge_answer(question: str, found: Sequence[Found]) -> AnswerOutcome:
    """A short answer from the LLM citing the passages found; without an LLM, the passages alone."""
    client = shared_client(config_from_options(settings.LLM))
    if client is None:
        return AnswerOutcome(None, "disabled")
    if not found:
        return AnswerOutcome(None, "no_passages")
    prompt = load_prompt("knowledge_answer")
    passages = [SourcePassage(f.hit.key, f.article.title, f.hit.text) for f in found]
    messages = answer_messages(prompt, question, passages)
    try:  # checked, with one repair attempt, through the one client (its breaker, budget and call log)
        reply = client.ask_json(
            messages,
            purpose="answer",
            check=lambda content: check_answer(content, passages),
            repair=lambda content, errors: repair_messages(prompt, messages, content, errors),
            schema=answer_output_schema(passages),
            schema_name="knowledge_answer",
        )
    except LlmInvalid as error:
        return AnswerOutcome(None, "invalid", str(error), **_usage(prompt.ref, error.replies))
    except LlmError as error:
        return AnswerOutcome(None, error.reason, str(error), prompt=prompt.ref)
    answer = reply.value
    return AnswerOutcome(answer, "answered" if answer.supported else "unsupported", **_usage(prompt.ref, reply.replies))


def _usage(prompt_ref: str, replies: Sequence[LlmReply]) -> dict[str, Any]:
    return {
        "model": replies[-1].model if replies else "",
        "prompt": prompt_ref,
        "latency_ms": round(sum(r.latency_ms for r in replies), 1),
        "tokens": sum(r.prompt_tokens + r.completion_tokens for r in replies),
    }


def llm_answers_enabled() -> bool:
    """Whether an LLM endpoint is configured to answer questions from the passages found."""
    return config_from_options(settings.LLM) is not None


def with_citation_numbers(text: str, number_of: dict[str, int]) -> str:
    """The answer with each passage key it mentions (``[2102:0]``, ``2102:0``) written as the passage's number
    in the list shown (``[1]``): keys are for the LLM, numbers for people. A key inside a longer number (a
    time such as 12:05) is left alone."""
    if not number_of:
        return text
    keys = "|".join(re.escape(key) for key in sorted(number_of, key=len, reverse=True))
    pattern = re.compile(rf"\[?(?<![\d:])({keys})(?![\d:])\]?")
    return pattern.sub(lambda match: f"[{number_of[match.group(1)]}]", text)
