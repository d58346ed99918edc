"""Knowledge pages: search for operators and officers, the LLM's cited answer, and the panel on an order."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from knowledge.services import (
    knowledge_answer,
    knowledge_search,
    llm_answers_enabled,
    order_knowledge_query,
    with_citation_numbers,
)
from workorders import permissions


def _knowledge_reader(request: HttpRequest) -> None:
    permissions.require(
        permissions.may_read_knowledge(request.user), _("The knowledge base is for the hotline's staff.")
    )


@login_required
def knowledge_search_page(request: HttpRequest) -> HttpResponse:
    """Search the knowledge base; with an LLM, a short answer citing the passages is added (loaded after)."""
    _knowledge_reader(request)
    query = request.GET.get("q", "").strip()[:500]
    found = knowledge_search(query, limit=8) if query else []
    context = {"query": query, "found": found or [], "preparing": found is None, "llm": llm_answers_enabled()}
    return render(request, "knowledge/knowledge.html", context)


@login_required
def knowledge_answer_fragment(request: HttpRequest) -> HttpResponse:
    """The LLM's answer to a question, from the passages search finds for it (an htmx fragment)."""
    _knowledge_reader(request)
    query = request.GET.get("q", "").strip()[:500]
    found = (knowledge_search(query, limit=5) if query else []) or []
    outcome = knowledge_answer(query, found)
    # Passages are numbered as the search page lists them; the LLM's keys never reach the page.
    number_of = {f.hit.key: number for number, f in enumerate(found, start=1)}
    by_key = {f.hit.key: f for f in found}
    citations = outcome.answer.citations if outcome.answer else ()
    context = {
        "query": query,
        "outcome": outcome,
        "answer_text": with_citation_numbers(outcome.answer.text, number_of) if outcome.answer else "",
        "cited": [(number_of[key], by_key[key]) for key in citations if key in by_key],
    }
    template = "knowledge/_knowledge_answer.html" if request.htmx else "knowledge/knowledge_answer.html"
    return render(request, template, context)


@login_required
def knowledge_for_order(request: HttpRequest, pk: int) -> HttpResponse:
    """Passages for the order the operator is looking at (an htmx fragment on the order page)."""
    _knowledge_reader(request)
    order = get_object_or_404(permissions.orders_visible_to(request.user), pk=pk)
    query = order_knowledge_query(order)
    found = knowledge_search(query.text, limit=3, context=query.context)
    context = {
        "order": order,
        "query": query.text,
        "found": found or [],
        "preparing": found is None,
        "llm": llm_answers_enabled(),
    }
    return render(request, "knowledge/_knowledge_for_order.html", context)
