"""The knowledge base in the admin: administrators write, edit, retire and import articles (Markdown, CSV).
Every change goes through knowledge.services; the search index follows by itself within seconds."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from knowledge.documents import KINDS, ArticleDraft, read_csv, read_markdown
from knowledge.models import ArticleKind, KnowledgeArticle
from knowledge.services import knowledge_article_save, knowledge_articles_set_active, knowledge_import

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"), help_text=gettext_lazy("Markdown (.md: one article per # or ## heading) or CSV")
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind, where the file does not say"),
        choices=[(kind, label) for kind, label in ArticleKind.choices if kind in KINDS],
        initial=ArticleKind.POLICY,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".md", ".markdown", ".csv")):
            raise forms.ValidationError(_("Only Markdown (.md) and CSV (.csv) files can be imported."))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        try:
            self.cleaned_data["text"] = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                _("The file is not UTF-8 text (byte %(position)s).") % {"position": error.start}
            ) from None
        return upload

    def drafts(self) -> list[ArticleDraft]:
        """The file's articles; ValueError naming the line or row when the file is not well-formed."""
        name, text = self.cleaned_data["file"].name, self.cleaned_data["text"]
        if name.lower().endswith(".csv"):
            return read_csv(text, source=name)
        return read_markdown(text, source=name, kind=self.cleaned_data["kind"])


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "dated", "is_active", "source", "updated_at")
    list_filter = ("kind", "is_active", "source")
    search_fields = ("title", "question", "body")
    date_hierarchy = "updated_at"
    fields = ("title", "kind", "dated", "tags", "question", "body", "is_active", "source", "source_ref")
    readonly_fields = ("source", "source_ref")
    actions = ["retire", "restore"]
    change_list_template = "admin/knowledge/knowledgearticle/change_list.html"

    def save_model(self, request: HttpRequest, obj: KnowledgeArticle, form: forms.Form, change: bool) -> None:
        knowledge_article_save(article=obj)

    @admin.action(description=gettext_lazy("Retire from search (kept, can be restored)"))
    def retire(self, request: HttpRequest, queryset: QuerySet[KnowledgeArticle]) -> None:
        count = knowledge_articles_set_active(articles=queryset, active=False)
        self.message_user(request, _("%(count)s articles retired.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Restore to search"))
    def restore(self, request: HttpRequest, queryset: QuerySet[KnowledgeArticle]) -> None:
        count = knowledge_articles_set_active(articles=queryset, active=True)
        self.message_user(request, _("%(count)s articles restored.") % {"count": count}, messages.SUCCESS)

    def get_urls(self) -> list[Any]:
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="knowledge_knowledgearticle_import"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a Markdown or CSV file; its articles are created or updated (the same file again updates)."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                drafts = form.drafts()
            except ValueError as error:
                form.add_error("file", str(error))
            else:
                if not drafts:
                    form.add_error("file", _("The file holds no article (no heading with text under it, or no row)."))
                else:
                    outcome = knowledge_import(drafts=drafts)
                    self.message_user(
                        request,
                        _(
                            "%(created)s articles created, %(updated)s updated, %(unchanged)s unchanged; search "
                            "finds them within a minute."
                        )
                        % {"created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged},
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:knowledge_knowledgearticle_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Import articles"),
        }
        return render(request, "admin/knowledge/import.html", context, status=400 if form.errors else 200)
