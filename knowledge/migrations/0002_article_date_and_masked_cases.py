"""Articles get a date (when published, or when a past case was replied to), and the past cases already
stored get their personal data masked, as new imports now are (knowledge.documents.for_storage)."""

from django.db import migrations, models


def mask_past_cases(apps, schema_editor):
    from knowledge.passages import split_passages
    from triage.privacy import mask_pii

    article_model = apps.get_model("knowledge", "KnowledgeArticle")
    passage_model = apps.get_model("knowledge", "KnowledgePassage")
    for article in article_model.objects.filter(kind="reply").iterator(chunk_size=500):
        masked = {name: mask_pii(getattr(article, name)).text for name in ("title", "question", "body")}
        if all(getattr(article, name) == value for name, value in masked.items()):
            continue
        for name, value in masked.items():
            setattr(article, name, value)
        article.save(update_fields=[*masked, "updated_at"])
        passage_model.objects.filter(article=article).delete()
        passage_model.objects.bulk_create(
            passage_model(article=article, position=p.position, text=p.text)
            for p in split_passages(str(article.pk), article.title, article.body)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="knowledgearticle",
            name="dated",
            field=models.DateField(
                blank=True,
                help_text="When it was published or, for a past case, replied to.",
                null=True,
                verbose_name="date",
            ),
        ),
        migrations.RunPython(mask_past_cases, migrations.RunPython.noop),
    ]
