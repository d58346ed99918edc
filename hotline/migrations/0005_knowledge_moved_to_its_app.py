"""The knowledge base's models now belong to the ``knowledge`` app; their tables are unchanged."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('hotline', '0004_knowledge_base'),
        ('knowledge', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='KnowledgePassage'),
                migrations.DeleteModel(name='KnowledgeArticle'),
            ],
        ),
    ]
