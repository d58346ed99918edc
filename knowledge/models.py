"""The operators' knowledge base (智能知识库): articles and the passages search returns and the LLM cites.

The tables keep the names they were created with when the models lived in ``hotline``."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArticleKind(models.TextChoices):
    POLICY = "policy", _("Policy")
    FAQ = "faq", _("FAQ")
    PROCEDURE = "procedure", _("Procedure")
    REPLY = "reply", _("Past reply")


class KnowledgeArticle(models.Model):
    """A piece of the operators' knowledge base: a policy, an FAQ, a procedure or a past official reply."""

    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=ArticleKind.choices, default=ArticleKind.POLICY)
    question = models.TextField(_("question"), blank=True, help_text=_("For FAQs and replies: what was asked."))
    body = models.TextField(_("text"))
    tags = models.JSONField(_("tags"), default=list, blank=True)
    source = models.CharField(
        _("source"), max_length=255, blank=True, help_text=_("The file or data set it came from.")
    )
    source_ref = models.CharField(_("reference in the source"), max_length=128, blank=True)
    dated = models.DateField(
        _("date"), null=True, blank=True, help_text=_("When it was published or, for a past case, replied to.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge base")
        db_table = "hotline_knowledgearticle"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"], condition=~models.Q(source_ref=""), name="knowledge_unique_source_ref"
            )
        ]

    def __str__(self) -> str:
        return self.title


class KnowledgePassage(models.Model):
    """A sentence-aligned piece of an article: what search returns and the LLM cites."""

    article = models.ForeignKey(KnowledgeArticle, on_delete=models.CASCADE, related_name="passages")
    position = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        db_table = "hotline_knowledgepassage"
        ordering = ["article_id", "position"]
        constraints = [models.UniqueConstraint(fields=["article", "position"], name="passage_unique_position")]

    def __str__(self) -> str:
        return f"{self.article_id}:{self.position}"

    @property
    def key(self) -> str:
        return f"{self.article_id}:{self.position}"
